package io.dialnet.artifact;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dialnet.Json;
import io.dialnet.data.DataRecipe;
import io.dialnet.data.DemoData;
import io.dialnet.export.OnnxExport;
import io.dialnet.nn.ChannelPlan;
import io.dialnet.nn.Engines;
import io.dialnet.nn.Mode;
import io.dialnet.nn.ModelSpec;
import io.dialnet.nn.Pass;
import io.dialnet.nn.SlimmableNetwork;
import io.dialnet.nn.zoo.ModelZoo;
import io.dialnet.runtime.DynamicModel;
import io.dialnet.train.Evaluation;
import io.dialnet.train.Method;
import io.dialnet.train.Strategy;
import io.dialnet.train.SubnetResult;
import io.dialnet.train.TrainConfig;
import io.dialnet.train.Trainer;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@Tag("engine")
class ArtifactTest {
    static NDManager manager;
    static SlimmableNetwork network;
    static DynamicModelFile artifact;

    @TempDir
    Path dir;

    @BeforeAll
    static void trainAndBuild() throws ArtifactException {
        Engines.start();
        Engines.setThreads(1);
        manager = NDManager.newBaseManager();
        DataRecipe.Prepared data = DataRecipe.builder()
                .setSource(DemoData.SOURCE)
                .optImageSize(28)
                .optValidationSize(300)
                .optTrainLimit(600)
                .optSplitSeed(1)
                .build()
                .prepare(DemoData.load());
        network = ModelZoo.create(new ModelSpec("cnn", 1, 28, 10, 0), manager, 3);
        TrainConfig config = TrainConfig.builder()
                .setStrategy(Strategy.UNIFORM)
                .setEpochs(1)
                .optBatchSize(50)
                .optLearningRate(0.05)
                .optWidths(List.of(1.0, 0.5, 0.25))
                .optMinWidth(0.25)
                .optCalibrationBatches(3)
                .optSeed(3)
                .build();
        new Trainer(network, config, data, null, null, 0).train(false);
        List<SubnetResult> results =
                Evaluation.evaluate(network, Method.of(config, network).subnets(), true, data, 50, 3);
        List<Manifest.SubnetEntry> entries = results.stream()
                .map(r -> new Manifest.SubnetEntry(
                        r.name(),
                        r.channels(),
                        r.macs(),
                        r.params(),
                        r.validationAccuracy(),
                        r.testAccuracy(),
                        List.of()))
                .toList();
        artifact = ArtifactBuilder.build(
                network,
                entries,
                Map.of("mean", new double[] {0.3}, "std", new double[] {0.35}),
                Map.of("test", "yes"));
    }

    @AfterAll
    static void stop() {
        network.close();
        manager.close();
    }

    @Test
    void aLoadedModelPredictsWhatTheTrainedNetworkComputes() throws Exception {
        Path file = dir.resolve("model.dialnet");
        artifact.write(file);
        float[] input = new float[2 * 784];
        Random random = new Random(1);
        for (int i = 0; i < input.length; i++) {
            input[i] = (float) random.nextGaussian();
        }
        try (DynamicModel model = DynamicModel.load(file);
                NDManager step = manager.newSubManager()) {
            assertThat(model.subnets())
                    .extracting(Manifest.SubnetEntry::name)
                    .containsExactly("w1.00", "w0.50", "w0.25");
            for (Manifest.SubnetEntry s : model.subnets()) {
                float[] loaded = model.predict(input, 2, s.name());
                NDArray x = step.create(input, new Shape(2, 1, 28, 28));
                float[] direct = network.forward(new Pass(ChannelPlan.of(s.channels()), Mode.EVAL, step), x)
                        .toFloatArray();
                for (int i = 0; i < direct.length; i++) {
                    assertThat(loaded[i]).as(s.name()).isCloseTo(direct[i], within(1e-5f));
                }
            }
            assertThatThrownBy(() -> model.predict(input, 2, "w0.33")).hasMessageContaining("unknown subnet 'w0.33'");
            assertThatThrownBy(() -> model.predict(new float[5], 2, "w1.00")).hasMessageContaining("5 values");
        }
        Map<String, byte[]> graphs = new LinkedHashMap<>();
        for (Manifest.SubnetEntry s : artifact.manifest().subnets()) {
            graphs.put(s.name(), OnnxExport.subnet(network, ChannelPlan.of(s.channels()), s.name(), Map.of()));
        }
        Path withGraphs = dir.resolve("onnx.dialnet");
        new DynamicModelFile(artifact.manifest(), artifact.tensors(), graphs).write(withGraphs);
        try (DynamicModel ort = DynamicModel.load(withGraphs);
                DynamicModel djl = DynamicModel.load(withGraphs, DynamicModel.Backend.DJL, 1)) {
            assertThat(ort.backend()).isEqualTo(DynamicModel.Backend.ONNXRUNTIME);
            for (Manifest.SubnetEntry s : ort.subnets()) {
                float[] a = ort.predict(input, 2, s.name());
                float[] b = djl.predict(input, 2, s.name());
                for (int i = 0; i < a.length; i++) {
                    assertThat(a[i]).as(s.name()).isCloseTo(b[i], within(1e-4f));
                }
            }
        }
    }

    @Test
    void predictIsSafeFromManyThreadsOnBothBackEnds() throws Exception {
        Map<String, byte[]> graphs = new LinkedHashMap<>();
        for (Manifest.SubnetEntry s : artifact.manifest().subnets()) {
            graphs.put(s.name(), OnnxExport.subnet(network, ChannelPlan.of(s.channels()), s.name(), Map.of()));
        }
        Path file = dir.resolve("threads.dialnet");
        new DynamicModelFile(artifact.manifest(), artifact.tensors(), graphs).write(file);
        float[] input = new float[784];
        Random random = new Random(5);
        for (int i = 0; i < input.length; i++) {
            input[i] = (float) random.nextGaussian();
        }
        for (DynamicModel.Backend backend : DynamicModel.Backend.values()) {
            try (DynamicModel model = DynamicModel.load(file, backend, 1)) {
                List<String> names =
                        model.subnets().stream().map(Manifest.SubnetEntry::name).toList();
                Map<String, float[]> expected = new LinkedHashMap<>();
                names.forEach(n -> expected.put(n, model.predict(input, 1, n)));
                var pool = Executors.newFixedThreadPool(6);
                List<Future<Boolean>> results = new ArrayList<>();
                for (int t = 0; t < 60; t++) {
                    String subnet = names.get(t % names.size());
                    results.add(
                            pool.submit(() -> Arrays.equals(model.predict(input, 1, subnet), expected.get(subnet))));
                }
                for (var r : results) {
                    assertThat(r.get()).as(backend.name()).isTrue();
                }
                pool.shutdown();
            }
        }
    }

    @Test
    void safetensorsRoundTrip() throws ArtifactException {
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        tensors.put("b", new Tensor(new long[] {2, 2}, new float[] {1, 2, 3, 4}));
        tensors.put("a", new Tensor(new long[] {3}, new float[] {-1, 0.5f, 7}));
        Map<String, Tensor> back = SafeTensors.decode(SafeTensors.encode(tensors), "test");
        assertThat(back).isEqualTo(tensors);
    }

    static void writeZip(Path file, Map<String, byte[]> entries) throws IOException {
        try (OutputStream out = Files.newOutputStream(file);
                ZipOutputStream zip = new ZipOutputStream(out)) {
            for (Map.Entry<String, byte[]> e : entries.entrySet()) {
                zip.putNextEntry(new ZipEntry(e.getKey()));
                zip.write(e.getValue());
                zip.closeEntry();
            }
        }
    }

    Map<String, byte[]> validEntries() throws IOException {
        Map<String, byte[]> entries = new LinkedHashMap<>();
        entries.put(DynamicModelFile.MANIFEST, Json.MAPPER.writeValueAsBytes(artifact.manifest()));
        entries.put(DynamicModelFile.WEIGHTS, SafeTensors.encode(artifact.tensors()));
        return entries;
    }

    @Test
    void brokenArtifactsAreNamedClearly() throws IOException {
        Path file = dir.resolve("bad.dialnet");
        ObjectMapper json = Json.MAPPER;

        Map<String, byte[]> noWeights = validEntries();
        noWeights.remove(DynamicModelFile.WEIGHTS);
        writeZip(file, noWeights);
        assertThatThrownBy(() -> DynamicModelFile.read(file)).hasMessageContaining("no weights.safetensors");

        Map<String, byte[]> newer = validEntries();
        ObjectNode manifest = (ObjectNode) json.readTree(newer.get(DynamicModelFile.MANIFEST));
        manifest.put("format", 99);
        newer.put(DynamicModelFile.MANIFEST, json.writeValueAsBytes(manifest));
        writeZip(file, newer);
        assertThatThrownBy(() -> DynamicModelFile.read(file))
                .hasMessageContaining("format 99")
                .hasMessageContaining("newer Dialnet");

        Map<String, byte[]> wrongShape = validEntries();
        Map<String, Tensor> tensors = new LinkedHashMap<>(artifact.tensors());
        tensors.put("fc2.bias", new Tensor(new long[] {3}, new float[3]));
        wrongShape.put(DynamicModelFile.WEIGHTS, SafeTensors.encode(tensors));
        writeZip(file, wrongShape);
        assertThatThrownBy(() -> DynamicModelFile.read(file))
                .hasMessageContaining("fc2.bias")
                .hasMessageContaining("shape [3]");

        List<Manifest.SubnetEntry> reversed =
                new ArrayList<>(artifact.manifest().subnets());
        Collections.reverse(reversed);
        Manifest m = artifact.manifest();
        Manifest notNested = new Manifest(
                m.format(),
                m.model(),
                m.couplingSets(),
                m.norms(),
                m.tensors(),
                reversed,
                m.normalization(),
                m.provenance());
        assertThatThrownBy(() -> new DynamicModelFile(notNested, artifact.tensors(), Map.of()).write(file))
                .hasMessageContaining("does not nest");

        byte[] bytes = Files.readAllBytes(writeValid());
        Files.write(file, Arrays.copyOf(bytes, bytes.length / 3));
        assertThatThrownBy(() -> DynamicModelFile.read(file))
                .isInstanceOf(ArtifactException.class)
                .hasMessageContaining("bad.dialnet");
    }

    private Path writeValid() throws IOException {
        Path ok = dir.resolve("ok.dialnet");
        try {
            artifact.write(ok);
        } catch (ArtifactException e) {
            throw new IllegalStateException(e);
        }
        return ok;
    }
}
