package io.dialnet.cli;

import static io.dialnet.cli.CliTest.run;
import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDManager;
import io.dialnet.artifact.DynamicModelFile;
import io.dialnet.cli.CliTest.Run;
import io.dialnet.nn.ModelSpec;
import io.dialnet.nn.SlimmableNetwork;
import io.dialnet.nn.zoo.ModelZoo;
import io.dialnet.train.Checkpoint;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.zip.GZIPInputStream;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 13: a ResNet-20 written by PyTorch is imported and then used by eval, export (without
 * data), train --init (fine-tuning) and search --background.
 */
@Tag("engine")
class ImportCommandTest {
    static final Path FIXTURES = Path.of("src/test/resources/import");

    @TempDir
    Path dir;

    /** A tiny CIFAR-10 folder: five training batches and a test batch of {@code n} random images each. */
    static Path tinyCifar(Path dir, int n) throws IOException {
        Path cifar = Files.createDirectories(dir.resolve("cifar"));
        Random random = new Random(5);
        for (String name :
                List.of("data_batch_1", "data_batch_2", "data_batch_3", "data_batch_4", "data_batch_5", "test_batch")) {
            byte[] records = new byte[n * 3073];
            random.nextBytes(records);
            for (int i = 0; i < n; i++) {
                records[i * 3073] = (byte) (i % 10);
            }
            Files.write(cifar.resolve(name + ".bin"), records);
        }
        return cifar;
    }

    @Test
    void importedResNet20IsEvaluatedExportedFineTunedAndSearched() throws Exception {
        Path onnx = dir.resolve("resnet20.onnx");
        try (InputStream in = new GZIPInputStream(Files.newInputStream(FIXTURES.resolve("resnet20.onnx.gz")))) {
            Files.copy(in, onnx);
        }
        Path imported = dir.resolve("imported");
        Run imp = run(
                "import",
                "--model",
                "resnet20",
                "--from",
                onnx.toString(),
                "--out",
                imported.toString(),
                "--threads",
                "1");
        assertThat(imp.code()).as(imp.err()).isZero();
        assertThat(imp.out()).contains("max |difference| of logits").contains("40.81 M MACs");
        assertThat(imported.resolve("checkpoint.zip")).isNotEmptyFile();

        Run again = run("import", "--model", "resnet20", "--from", onnx.toString(), "--out", imported.toString());
        assertThat(again.code()).isEqualTo(Main.BAD_INPUT);
        assertThat(again.err())
                .contains("holds an earlier run")
                .contains("--overwrite")
                .doesNotContain("--resume");
        Run fromSafetensors = run(
                "import",
                "--model",
                "resnet20",
                "--from",
                FIXTURES.resolve("resnet20.bf16.safetensors").toString(),
                "--out",
                imported.toString(),
                "--overwrite",
                "--threads",
                "1");
        assertThat(fromSafetensors.code()).as(fromSafetensors.err()).isZero();

        Run eval = run("eval", "--checkpoint", imported.toString(), "--threads", "1");
        assertThat(eval.code()).isEqualTo(Main.BAD_INPUT);
        assertThat(eval.err()).contains("records no data; pass --data");
        Path cifar = tinyCifar(dir, 100);
        Run evalData = run("eval", "--checkpoint", imported.toString(), "--data", "cifar10:" + cifar, "--threads", "1");
        assertThat(evalData.code()).as(evalData.err()).isZero();
        assertThat(evalData.out()).contains("w1.00").contains("40.81M");

        Path model = dir.resolve("r20.dialnet");
        Run export = run(
                "export",
                "--checkpoint",
                imported.toString(),
                "--out",
                model.toString(),
                "--threads",
                "1",
                "--check-images",
                "8");
        assertThat(export.code()).as(export.err()).isZero();
        assertThat(export.out()).contains("on 8 random images");
        assertThat(DynamicModelFile.read(model).manifest().normalization().get("mean"))
                .containsExactly(0.4914, 0.4822, 0.4465);

        Path tuned = dir.resolve("tuned");
        String[] fineTune = {
            "train",
            "--data",
            "cifar10:" + cifar,
            "--model",
            "resnet20",
            "--strategy",
            "individual",
            "--epochs",
            "1",
            "--batch-size",
            "50",
            "--lr",
            "1e-7",
            "--momentum",
            "0",
            "--weight-decay",
            "0",
            "--threads",
            "1",
            "--quiet",
            "--init",
            imported.toString(),
            "--out",
            tuned.toString()
        };
        Run train = run(fineTune);
        assertThat(train.code()).as(train.err()).isZero();
        try (NDManager manager = NDManager.newBaseManager();
                SlimmableNetwork start = ModelZoo.create(new ModelSpec("resnet20", 3, 32, 10, 0), manager, 1);
                SlimmableNetwork end = ModelZoo.create(new ModelSpec("resnet20", 3, 32, 10, 0), manager, 2)) {
            Checkpoint.loadWeights(imported.resolve("checkpoint.zip"), start);
            Checkpoint.loadWeights(tuned.resolve("checkpoint.zip"), end);
            float[] a = start.parameters().get("stage2.block1.conv1.weight").toFloatArray();
            float[] b = end.parameters().get("stage2.block1.conv1.weight").toFloatArray();
            for (int i = 0; i < a.length; i++) {
                assertThat(b[i]).isCloseTo(a[i], Offset.offset(1e-5f));
            }
        }
        assertThat(Checkpoint.manifest(tuned.resolve("checkpoint.zip"))
                        .data()
                        .normalization()
                        .mean())
                .containsExactly(0.4914, 0.4822, 0.4465);
        fineTune[4] = "resnet32";
        fineTune[fineTune.length - 1] = dir.resolve("wrong").toString();
        Run wrongModel = run(fineTune);
        assertThat(wrongModel.code()).isEqualTo(Main.BAD_INPUT);
        assertThat(wrongModel.err()).contains("holds a resnet20, not a resnet32");

        Path search = dir.resolve("search");
        Run s = run(
                "search",
                "--data",
                "cifar10:" + cifar,
                "--model",
                "resnet20",
                "--targets",
                "0.5",
                "--background",
                imported.toString(),
                "--rank-batches",
                "2",
                "--candidates",
                "2",
                "--tau",
                "100",
                "--final-epochs",
                "1",
                "--batch-size",
                "50",
                "--threads",
                "1",
                "--quiet",
                "--out",
                search.toString());
        assertThat(s.code()).as(s.err()).isZero();
        assertThat(Files.readString(search.resolve("search.jsonl")))
                .contains("\"event\":\"background\"")
                .contains("\"event\":\"accept\"");
        assertThat(search.resolve("final").resolve("checkpoint.zip")).isNotEmptyFile();
    }

    @Test
    void badImportsAreOneLineErrors() {
        Run arch = run(
                "import",
                "--model",
                "vgg11",
                "--from",
                "x.onnx",
                "--out",
                dir.resolve("o").toString());
        assertThat(arch.code()).isEqualTo(Main.BAD_INPUT);
        assertThat(arch.err().strip()).contains("--model vgg11").doesNotContain("\n");
        Run format = run(
                "import",
                "--model",
                "resnet20",
                "--from",
                "model.pt",
                "--out",
                dir.resolve("o").toString());
        assertThat(format.code()).isEqualTo(Main.BAD_INPUT);
        assertThat(format.err()).contains("model.pt").contains(".onnx or .safetensors");
        Run missing = run(
                "import",
                "--model",
                "resnet20",
                "--from",
                dir.resolve("none.onnx").toString(),
                "--out",
                dir.resolve("o").toString());
        assertThat(missing.code()).isEqualTo(Main.BAD_INPUT);
        assertThat(missing.err()).contains("none.onnx").contains("no such file");
        Run wrongDepth = run(
                "import",
                "--model",
                "resnet56",
                "--from",
                FIXTURES.resolve("resnet20.bf16.safetensors").toString(),
                "--out",
                dir.resolve("o").toString());
        assertThat(wrongDepth.code()).isEqualTo(Main.BAD_INPUT);
        assertThat(wrongDepth.err().strip())
                .contains("missing tensor layer1.3.conv1.weight")
                .doesNotContain("\n");
    }
}
