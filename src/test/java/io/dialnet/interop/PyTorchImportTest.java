package io.dialnet.interop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.dialnet.artifact.SafeTensors;
import io.dialnet.artifact.Tensor;
import io.dialnet.nn.Engines;
import io.dialnet.nn.Mode;
import io.dialnet.nn.ModelSpec;
import io.dialnet.nn.Pass;
import io.dialnet.nn.SlimmableNetwork;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.zip.GZIPInputStream;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 13: networks written by PyTorch (fixtures made by src/test/resources/import/make_fixtures.py)
 * become Dialnet networks that compute what PyTorch and ONNX Runtime compute.
 */
@Tag("engine")
class PyTorchImportTest {
    static final Path FIXTURES = Path.of("src/test/resources/import");
    static NDManager manager;

    @TempDir
    Path dir;

    @BeforeAll
    static void start() {
        Engines.start();
        Engines.setThreads(1);
        manager = NDManager.newBaseManager();
    }

    @AfterAll
    static void stop() {
        manager.close();
    }

    /** The committed ResNet-20 ONNX fixture, unpacked (it is kept gzipped). */
    static Path resnet20Onnx(Path dir) throws IOException {
        Path onnx = dir.resolve("resnet20.onnx");
        try (InputStream in = new GZIPInputStream(Files.newInputStream(FIXTURES.resolve("resnet20.onnx.gz")))) {
            Files.copy(in, onnx);
        }
        return onnx;
    }

    static Map<String, Tensor> read(Path safetensors) throws Exception {
        return SafeTensors.decodeWidening(
                Files.readAllBytes(safetensors), safetensors.toString(), n -> n.endsWith("num_batches_tracked"));
    }

    @Test
    void bf16SafetensorsAndOnnxGiveTheSameNetworkAndPyTorchsLogits() throws Exception {
        TorchFile st = TorchFile.read(FIXTURES.resolve("resnet20.bf16.safetensors"));
        TorchFile onnx = TorchFile.read(resnet20Onnx(dir));
        assertThat(st.tensors().keySet()).noneMatch(n -> n.endsWith("num_batches_tracked"));
        assertThat(onnx.inputSize()).isEqualTo(32); // a dynamic batch of fixed 32x32 images
        try (SlimmableNetwork a = PyTorchImport.build("resnet20", st, 0, 0, manager, 1);
                SlimmableNetwork b = PyTorchImport.build("resnet20", onnx, 0, 0, manager, 2)) {
            assertThat(a.spec()).isEqualTo(b.spec());
            assertThat(a.spec().classes()).isEqualTo(10);
            Map<String, NDArray> sa = a.stateArrays();
            Map<String, NDArray> sb = b.stateArrays();
            assertThat(sa.keySet()).isEqualTo(sb.keySet());
            sa.forEach((name, array) -> assertThat(
                            Arrays.equals(array.toFloatArray(), sb.get(name).toFloatArray()))
                    .as(name)
                    .isTrue());

            Map<String, Tensor> check = read(FIXTURES.resolve("resnet20.check.safetensors"));
            Tensor input = check.get("input");
            float[] expected = check.get("logits").data();
            try (NDManager scratch = manager.newSubManager()) {
                float[] got = a.forward(
                                new Pass(a.fullPlan(), Mode.EVAL, scratch),
                                scratch.create(input.data(), new Shape(input.shape())))
                        .toFloatArray();
                double max = 0;
                for (int i = 0; i < got.length; i++) {
                    max = Math.max(max, Math.abs(got[i] - expected[i]));
                }
                assertThat(max).as("max |Dialnet - PyTorch|").isLessThan(1e-4);
            }
            assertThat(PyTorchImport.maxAbsDifference(Files.readAllBytes(onnx.path()), b, 4, 7))
                    .isLessThan(1e-4);
        }
    }

    /** Writes the fixture's tensors, changed by {@code edit}, as a float32 safetensors file. */
    Path edited(Consumer<Map<String, Tensor>> edit) throws Exception {
        Map<String, Tensor> tensors = new LinkedHashMap<>(read(FIXTURES.resolve("resnet20.bf16.safetensors")));
        tensors.keySet().removeIf(n -> n.endsWith("num_batches_tracked"));
        edit.accept(tensors);
        Path file = dir.resolve("edited.safetensors");
        Files.write(file, SafeTensors.encode(tensors));
        return file;
    }

    void rejects(Path file, String architecture, String... messageParts) {
        assertThatThrownBy(() -> PyTorchImport.build(architecture, TorchFile.read(file), 0, 0, manager, 1)
                        .close())
                .isInstanceOf(IllegalArgumentException.class)
                .satisfies(
                        e -> assertThat(e.getMessage()).contains(messageParts).doesNotContain("\n"));
    }

    @Test
    void missingUnknownAndMisshapenTensorsAreNamed() throws Exception {
        rejects(
                edited(t -> t.remove("layer2.0.downsample.1.running_var")),
                "resnet20",
                "missing tensor layer2.0.downsample.1.running_var");
        rejects(
                edited(t -> t.put("layer1.3.conv1.weight", new Tensor(new long[] {1}, new float[1]))),
                "resnet20",
                "unknown tensor layer1.3.conv1.weight");
        rejects(
                edited(t -> t.put("layer1.0.conv1.weight", new Tensor(new long[] {16, 16, 3, 1}, new float[768]))),
                "resnet20",
                "tensor layer1.0.conv1.weight has shape [16, 16, 3, 1], resnet20 needs [16, 16, 3, 3]");
        rejects(FIXTURES.resolve("resnet20.bf16.safetensors"), "resnet32", "missing tensor layer1.3.conv1.weight");
        rejects(edited(t -> t.clear()), "resnet20", "missing tensor conv1.weight", "holds no weights");
        assertThatThrownBy(() -> TorchNames.requireSupported("vgg11"))
                .hasMessageContaining("--model vgg11")
                .hasMessageContaining("resnet18, resnet20, resnet32, resnet56");
    }

    @Test
    void dataParallelPrefixAndCifarAliasesAreAccepted() throws Exception {
        Path renamed = edited(t -> {
            Map<String, Tensor> copy = new LinkedHashMap<>(t);
            t.clear();
            copy.forEach((k, v) ->
                    t.put("module." + k.replace("downsample.", "shortcut.").replace("fc.", "linear."), v));
        });
        try (SlimmableNetwork net = PyTorchImport.build("resnet20", TorchFile.read(renamed), 0, 0, manager, 1)) {
            assertThat(net.spec().classes()).isEqualTo(10);
        }
    }

    @Test
    void onnxWithoutBatchNormIsRefusedWithTheExportRecipe() throws Exception {
        var model = ai.onnx.proto.OnnxMl.ModelProto.newBuilder()
                .setGraph(ai.onnx.proto.OnnxMl.GraphProto.newBuilder()
                        .addNode(ai.onnx.proto.OnnxMl.NodeProto.newBuilder()
                                .setOpType("Relu")
                                .addInput("x")
                                .addOutput("y")))
                .build();
        Path file = Files.write(dir.resolve("folded.onnx"), model.toByteArray());
        assertThatThrownBy(() -> TorchFile.read(file))
                .hasMessageContaining("no BatchNormalization nodes")
                .hasMessageContaining("TrainingMode.PRESERVE");
        Path junk = Files.writeString(dir.resolve("junk.onnx"), "not protobuf at all, just text");
        assertThatThrownBy(() -> TorchFile.read(junk))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("junk.onnx");
    }

    static byte[] safetensors(String header, byte... data) {
        byte[] json = header.getBytes(StandardCharsets.UTF_8);
        var buffer = ByteBuffer.allocate(8 + json.length + data.length).order(ByteOrder.LITTLE_ENDIAN);
        return buffer.putLong(json.length).put(json).put(data).array();
    }

    @Test
    void halfPrecisionIsWidenedExactly() throws Exception {
        byte[] f16 = safetensors(
                "{\"a\":{\"dtype\":\"F16\",\"shape\":[2],\"data_offsets\":[0,4]},"
                        + "\"b\":{\"dtype\":\"BF16\",\"shape\":[1],\"data_offsets\":[4,6]},"
                        + "\"n.num_batches_tracked\":{\"dtype\":\"I64\",\"shape\":[],\"data_offsets\":[6,14]}}",
                (byte) 0x00,
                (byte) 0x3c,
                (byte) 0x00,
                (byte) 0xc0,
                (byte) 0x80,
                (byte) 0x3f,
                (byte) 1,
                (byte) 0,
                (byte) 0,
                (byte) 0,
                (byte) 0,
                (byte) 0,
                (byte) 0,
                (byte) 0);
        Map<String, Tensor> t = SafeTensors.decodeWidening(f16, "f16", n -> n.endsWith("num_batches_tracked"));
        assertThat(t.get("a").data()).containsExactly(1f, -2f);
        assertThat(t.get("b").data()).containsExactly(1f);
        assertThat(t).doesNotContainKey("n.num_batches_tracked");
        assertThatThrownBy(() -> SafeTensors.decodeWidening(f16, "f16", n -> false))
                .hasMessageContaining("tensor n.num_batches_tracked has dtype I64");
        assertThatThrownBy(() -> SafeTensors.decode(f16, "f16")).hasMessageContaining("only F32");
        assertThat(SafeTensors.halfToFloat((short) 0x3c00)).isEqualTo(1f);
        assertThat(SafeTensors.halfToFloat((short) 0xc000)).isEqualTo(-2f);
        assertThat(SafeTensors.halfToFloat((short) 0x3555)).isEqualTo(0.333251953125f);
        assertThat(SafeTensors.halfToFloat((short) 0x0001)).isEqualTo(0x1p-24f); // smallest subnormal
        assertThat(SafeTensors.halfToFloat((short) 0x7bff)).isEqualTo(65504f);
        assertThat(SafeTensors.halfToFloat((short) 0xfc00)).isEqualTo(Float.NEGATIVE_INFINITY);
        assertThat(SafeTensors.halfToFloat((short) 0x7e00)).isNaN();
    }

    /** Whether Debian's python3-torch can make the fixtures that are too big to commit. */
    static boolean pythonTorch() {
        try {
            Process p = new ProcessBuilder("/usr/bin/python3", "-c", "import torch")
                    .redirectErrorStream(true)
                    .start();
            p.getInputStream().readAllBytes();
            return p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException | InterruptedException e) {
            return false;
        }
    }

    /** ResNet-18 (45 MB) is made at test time by the fixture script, where python3-torch is installed. */
    @Test
    void torchvisionResNet18AgreesWithOnnxRuntime() throws Exception {
        Assumptions.assumeTrue(
                pythonTorch(),
                "needs /usr/bin/python3 with torch (apt-get install python3-torch) to make the ResNet-18 files");
        Process make = new ProcessBuilder(
                        "/usr/bin/python3",
                        FIXTURES.resolve("make_fixtures.py").toString(),
                        "--model",
                        "resnet18",
                        "--dtype",
                        "f32",
                        "--out",
                        dir.toString())
                .redirectErrorStream(true)
                .start();
        String log = new String(make.getInputStream().readAllBytes());
        assertThat(make.waitFor(300, TimeUnit.SECONDS)).isTrue();
        assertThat(make.exitValue()).as(log).isZero();
        TorchFile onnx = TorchFile.read(dir.resolve("resnet18.onnx"));
        TorchFile st = TorchFile.read(dir.resolve("resnet18.f32.safetensors"));
        try (SlimmableNetwork a = PyTorchImport.build("resnet18", onnx, 0, 0, manager, 1);
                SlimmableNetwork b = PyTorchImport.build("resnet18", st, 0, 0, manager, 2)) {
            assertThat(a.spec()).isEqualTo(new ModelSpec("resnet18", 3, 224, 1000, 0));
            assertThat(PyTorchImport.maxAbsDifference(Files.readAllBytes(onnx.path()), a, 2, 3))
                    .isLessThan(1e-4);
            Map<String, NDArray> sb = b.stateArrays();
            a.stateArrays()
                    .forEach((name, array) -> assertThat(Arrays.equals(
                                    array.toFloatArray(), sb.get(name).toFloatArray()))
                            .as(name)
                            .isTrue());
            Map<String, Tensor> check = read(dir.resolve("resnet18.check.safetensors"));
            try (NDManager scratch = manager.newSubManager()) {
                float[] got = b.forward(
                                new Pass(b.fullPlan(), Mode.EVAL, scratch),
                                scratch.create(
                                        check.get("input").data(),
                                        new Shape(check.get("input").shape())))
                        .toFloatArray();
                float[] expected = check.get("logits").data();
                for (int i = 0; i < got.length; i++) {
                    assertThat((double) got[i]).isCloseTo(expected[i], Offset.offset(1e-4));
                }
            }
        }
    }
}
