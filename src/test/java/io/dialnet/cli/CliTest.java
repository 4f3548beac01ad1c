package io.dialnet.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.engine.StandardCapabilities;
import com.fasterxml.jackson.databind.JsonNode;
import io.dialnet.Json;
import io.dialnet.artifact.DynamicModelFile;
import io.dialnet.nn.Devices;
import io.dialnet.nn.Engines;
import io.dialnet.runtime.OrtSessions;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command line as a user drives it: exit codes, messages, files written. */
@Tag("engine")
class CliTest {
    @TempDir
    Path dir;

    record Run(int code, String out, String err) {}

    static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.execute(new PrintWriter(out), new PrintWriter(err), args);
        return new Run(code, out.toString(), err.toString());
    }

    static final String[] SMALL_TRAIN = {
        "train",
        "--model",
        "cnn",
        "--train-limit",
        "600",
        "--validation",
        "200",
        "--epochs",
        "1",
        "--batch-size",
        "50",
        "--threads",
        "1",
        "--quiet"
    };

    static String[] with(String[] base, String... more) {
        String[] all = Arrays.copyOf(base, base.length + more.length);
        System.arraycopy(more, 0, all, base.length, more.length);
        return all;
    }

    @Test
    void infoPrintsMacsAndParamsAsJson() throws IOException {
        Run r = run("info", "--model", "resnet20", "--group-size", "4", "--json");
        assertThat(r.code()).isZero();
        JsonNode json = Json.MAPPER.readTree(r.out());
        assertThat(json.get("model").asText()).isEqualTo("resnet20");
        assertThat(json.get("macs").asLong()).isEqualTo(40_813_184L);
        assertThat(json.get("params").asLong()).isEqualTo(272_474L);
        Run half = run("info", "--model", "resnet20", "--group-size", "4", "--width", "0.5");
        assertThat(half.out()).contains("stage3").contains("10.31 M");
    }

    @Test
    void infoReadsAPlanFileAndRejectsABadOne() throws IOException {
        Path plan = dir.resolve("plan.txt");
        Files.writeString(plan, "16 8 8 8\n32 16 16 16\n64 32 32 32\n");
        Run ok = run("info", "--model", "resnet20", "--group-size", "4", "--plan", plan.toString(), "--json");
        assertThat(ok.code()).isZero();
        assertThat(ok.out()).contains("\"channels\":[16,8,8,8,32,16,16,16,64,32,32,32]");
        Files.writeString(plan, "16,8");
        Run bad = run("info", "--model", "resnet20", "--group-size", "4", "--plan", plan.toString());
        assertThat(bad.code()).isEqualTo(Main.BAD_INPUT);
        assertThat(bad.err()).contains("12 coupling sets").doesNotContain("\tat ");
        Files.writeString(plan, "16, eight");
        Run malformed = run("info", "--model", "resnet20", "--plan", plan.toString());
        assertThat(malformed.code()).isEqualTo(Main.BAD_INPUT);
        assertThat(malformed.err()).contains(plan.toString()).contains("comma-separated");
        Run missing = run(
                "info", "--model", "resnet20", "--plan", dir.resolve("none.txt").toString());
        assertThat(missing.err()).contains("none.txt: no such file");
    }

    @Test
    void badInputExitsTwoWithOneLineAndNoStackTrace() throws IOException {
        Run unknownModel = run("info", "--model", "resnet19");
        assertThat(unknownModel.code()).isEqualTo(2);
        assertThat(unknownModel.err()).contains("unknown model 'resnet19'").doesNotContain("\tat ");

        Run badWidth = run("info", "--model", "cnn", "--width", "0");
        assertThat(badWidth.code()).isEqualTo(2);
        assertThat(badWidth.err()).contains("width must be in (0, 1]");

        Run missingData = run(
                with(SMALL_TRAIN, "--out", dir.resolve("o").toString(), "--data", "cifar10:" + dir.resolve("nowhere")));
        assertThat(missingData.code()).isEqualTo(2);
        assertThat(missingData.err())
                .contains("nowhere")
                .contains("no such directory")
                .doesNotContain("\tat ");

        Path cifar = Files.createDirectories(dir.resolve("cifar"));
        for (int i = 1; i <= 5; i++) {
            Files.write(cifar.resolve("data_batch_" + i + ".bin"), new byte[3073 * 2 + (i == 3 ? 1 : 0)]);
        }
        Run truncated = run(with(SMALL_TRAIN, "--out", dir.resolve("o").toString(), "--data", "cifar10:" + cifar));
        assertThat(truncated.code()).isEqualTo(2);
        assertThat(truncated.err()).contains("data_batch_3.bin").contains("multiple of 3073");

        Path idx = Files.createDirectories(dir.resolve("idx"));
        Files.write(idx.resolve("train-images-idx3-ubyte"), new byte[] {0, 0, 8, 1, 0, 0, 0, 0});
        Files.write(idx.resolve("train-labels-idx1-ubyte"), new byte[] {0, 0, 8, 1, 0, 0, 0, 0});
        Run magic = run(with(SMALL_TRAIN, "--out", dir.resolve("o").toString(), "--data", "idx:" + idx));
        assertThat(magic.code()).isEqualTo(2);
        assertThat(magic.err()).contains("train-images-idx3-ubyte").contains("magic number 0x00000801");

        Run verbose = run("info", "--model", "resnet19", "--verbose");
        assertThat(verbose.err()).contains("\tat ");

        Run unknownOption = run("train", "--data", "idx:demo", "--out", dir.toString(), "--epochz", "3");
        assertThat(unknownOption.code()).isEqualTo(2);
        assertThat(unknownOption.err()).contains("--epochz");

        Run noCommand = run();
        assertThat(noCommand.code()).isEqualTo(2);

        Run badStrategy = run(with(
                SMALL_TRAIN, "--data", "idx:demo", "--out", dir.resolve("o").toString(), "--strategy", "greedy"));
        assertThat(badStrategy.code()).isEqualTo(2);
        assertThat(badStrategy.err()).contains("--strategy: greedy");
        assertThat(dir.resolve("o").resolve("checkpoint.zip")).doesNotExist();
    }

    @Test
    void trainWritesResultsThatEvalReadsBack() throws IOException {
        Path out = dir.resolve("run");
        Run train = run(with(
                SMALL_TRAIN,
                "--data",
                "idx:demo",
                "--out",
                out.toString(),
                "--strategy",
                "uniform",
                "--widths",
                "1.0,0.75,0.5,0.25",
                "--json"));
        assertThat(train.code()).as(train.err()).isZero();
        JsonNode results = Json.MAPPER.readTree(out.resolve("results.json").toFile());
        assertThat(results.get("subnets")).hasSize(4);
        assertThat(results.get("subnets").get(0).get("macs").asLong()).isEqualTo(4_241_152L);
        assertThat(results.at("/training/provenance/threads").asText()).isEqualTo("1");
        assertThat(results.at("/data/validationSize").asInt()).isEqualTo(200);
        assertThat(Files.readAllLines(out.resolve("metrics.jsonl"))).hasSize(1);
        assertThat(Files.size(out.resolve("accuracy_vs_macs.png"))).isGreaterThan(1000);

        Run eval = run("eval", "--checkpoint", out.toString(), "--threads", "1", "--widths", "0.6");
        assertThat(eval.code()).as(eval.err()).isZero();
        assertThat(eval.out())
                .contains("w1.00")
                .contains("w0.60")
                .contains("w0.25")
                .contains("4.24M");
        double trained = results.get("subnets").get(0).get("validationAccuracy").asDouble();
        Run evalJson =
                run("eval", "--checkpoint", out.resolve("checkpoint.zip").toString(), "--json", "--threads", "1");
        JsonNode rows = Json.MAPPER.readTree(evalJson.out());
        assertThat(rows.get(0).get("validationAccuracy").asDouble()).isEqualTo(trained);
        assertThat(rows.get(0).get("testAccuracy").asDouble()).isGreaterThan(0.5);

        Run resumedWithOtherLr = run(with(
                SMALL_TRAIN,
                "--data",
                "idx:demo",
                "--out",
                out.toString(),
                "--strategy",
                "uniform",
                "--widths",
                "1.0,0.75,0.5,0.25",
                "--resume",
                "--lr",
                "0.05"));
        assertThat(resumedWithOtherLr.code()).isEqualTo(2);
        assertThat(resumedWithOtherLr.err()).contains("learningRate=0.1").contains("learningRate=0.05");
    }

    @Test
    void exportedModelIsBenchmarkedAndItsSwitchCostMeasured() throws Exception {
        Path run = dir.resolve("run");
        assertThat(run(with(
                                SMALL_TRAIN,
                                "--data",
                                "idx:demo",
                                "--out",
                                run.toString(),
                                "--strategy",
                                "uniform",
                                "--widths",
                                "1.0,0.5"))
                        .code())
                .isZero();
        Path model = dir.resolve("m.dialnet");
        Run export = run("export", "--checkpoint", run.toString(), "--out", model.toString(), "--threads", "1");
        assertThat(export.code()).as(export.err()).isZero();
        assertThat(export.out()).contains("max |ORT - supernet|");

        Run latency = run(
                "bench",
                "latency",
                "--model",
                model.toString(),
                "--batch-sizes",
                "1,4",
                "--runs",
                "3",
                "--warmup",
                "1",
                "--threads",
                "1",
                "--plot",
                dir.resolve("l.png").toString());
        assertThat(latency.code()).as(latency.err()).isZero();
        var stored = DynamicModelFile.read(model).manifest().subnets();
        // export measured ONNX Runtime at batches 1 and 64; the bench replaced batch 1 and added batch 4 and the DJL
        // pair
        assertThat(stored).allSatisfy(s -> assertThat(s.latency()).hasSize(5));
        assertThat(dir.resolve("l.png")).isNotEmptyFile();

        Path json = dir.resolve("switch.json");
        Run switchCost = run(
                "bench",
                "switch",
                "--model",
                model.toString(),
                "--backends",
                "onnxruntime",
                "--iterations",
                "1",
                "--warmup-iterations",
                "0",
                "--pairs",
                "20",
                "--threads",
                "1",
                "--json",
                json.toString());
        assertThat(switchCost.code()).as(switchCost.err()).isZero();
        JsonNode result = Json.MAPPER.readTree(json.toFile()).get("results").get(0);
        assertThat(result.at("/alternating/value").asDouble()).isPositive();
        assertThat(result.get("switchBytes").isNumber()).isTrue();
        assertThat(result.at("/pairedSwitchMicros/error").asDouble()).isPositive();

        Run missing =
                run("bench", "switch", "--model", dir.resolve("nope.dialnet").toString());
        assertThat(missing.code()).isEqualTo(2);
        assertThat(missing.err()).contains("nope.dialnet").doesNotContain("Exception");

        // timed again beside processes that keep every core busy: export says so, in its output and the file
        List<Process> spinners = spinEveryCore();
        try {
            Path busy = dir.resolve("busy.dialnet");
            Run contended = run(
                    "export",
                    "--checkpoint",
                    run.toString(),
                    "--out",
                    busy.toString(),
                    "--threads",
                    "1",
                    "--remeasure");
            assertThat(contended.code()).as(contended.err()).isZero();
            assertThat(contended.err()).contains("dialnet: latency: other processes used");
            assertThat(DynamicModelFile.read(busy).manifest().provenance()).containsKey("latency_warning");
        } finally {
            stop(spinners);
        }
    }

    /** A search for latency budgets beside processes keeping every core busy says its figures are not trusted. */
    @Test
    void aLatencySearchBesideBusyProcessesSaysSo() throws Exception {
        List<Process> spinners = spinEveryCore();
        try {
            Run contended = search(
                    "--train-limit",
                    "600",
                    "--validation",
                    "200",
                    "--epochs",
                    "1",
                    "--threads",
                    "1",
                    "--latency",
                    "--targets",
                    "0.05",
                    "--rank-batches",
                    "5",
                    "--fine-tune-epochs",
                    "0",
                    "--final-epochs",
                    "0");
            assertThat(contended.code()).as(contended.err()).isZero();
            assertThat(contended.err()).contains("dialnet: latency: other processes used");
            assertThat(Json.MAPPER
                            .readTree(dir.resolve("results.json").toFile())
                            .has("latency_warning"))
                    .isTrue();
        } finally {
            stop(spinners);
        }
    }

    /** One shell loop per core, spinning until {@link #stop}. */
    private static List<Process> spinEveryCore() throws IOException {
        List<Process> spinners = new ArrayList<>();
        for (int i = 0; i < Runtime.getRuntime().availableProcessors(); i++) {
            spinners.add(new ProcessBuilder("sh", "-c", "while :; do :; done").start());
        }
        return spinners;
    }

    private static void stop(List<Process> spinners) throws InterruptedException {
        for (Process p : spinners) {
            p.destroyForcibly().waitFor();
        }
    }

    @Test
    void corruptCheckpointIsNamed() throws IOException {
        Path bad = dir.resolve("checkpoint.zip");
        Files.writeString(bad, "PK garbage");
        Run r = run("eval", "--checkpoint", bad.toString());
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains(bad.toString()).doesNotContain("\tat ");
    }

    @Test
    void optionsComeFromAConfigFileAndUnknownKeysAreErrors() throws IOException {
        Path config = dir.resolve("train.properties");
        Files.writeString(
                config,
                "model = cnn\nepochs = 1\nbatch-size = 50\ntrain-limit = 300\nvalidation = 100\n"
                        + "strategy = individual\nthreads = 1\nquiet = true\n");
        Path out = dir.resolve("cfg");
        Run ok = run("train", "--config", config.toString(), "--data", "idx:demo", "--out", out.toString());
        assertThat(ok.code()).as(ok.err()).isZero();
        JsonNode results = Json.MAPPER.readTree(out.resolve("results.json").toFile());
        assertThat(results.at("/training/config/strategy").asText()).isEqualTo("individual");
        assertThat(results.at("/training/config/batchSize").asInt()).isEqualTo(50);

        Files.writeString(config, "epoch = 3\n");
        Run bad = run("train", "--config", config.toString(), "--data", "idx:demo", "--out", out.toString());
        assertThat(bad.code()).isEqualTo(2);
        assertThat(bad.err()).contains("unknown key 'epoch'");
    }

    @Test
    void demoWritesResultsAndPlot() throws IOException {
        Path out = dir.resolve("demo");
        Run r = run("demo", "--out", out.toString(), "--epochs", "1", "--quiet");
        assertThat(r.code()).as(r.err()).isZero();
        JsonNode results = Json.MAPPER.readTree(out.resolve("results.json").toFile());
        JsonNode subnets = results.get("subnets");
        assertThat(subnets).hasSize(4);
        for (JsonNode s : subnets) {
            assertThat(s.get("macs").asLong()).isPositive();
            assertThat(s.get("params").asLong()).isPositive();
            assertThat(s.get("accuracy").asDouble()).isBetween(0.5, 1.0);
        }
        assertThat(Files.size(out.resolve("accuracy_vs_macs.png"))).isGreaterThan(1000);
        assertThat(r.out()).contains("w0.25");
    }

    @Test
    void searchRejectsBadTargetsAndUnknownMethods() {
        assertRefused(search("--targets", "0.5,0.7"), "strictly decreasing");
        assertRefused(search("--targets", "0.5", "--method", "greedy"), "--method greedy");
        assertRefused(search("--targets", "1.5"), "not in (0, 1)");
        assertRefused(search("--targets", "0.5", "--rank-lambda", "-1"), "--rank-lambda must be >= 0, got -1.0");
    }

    /** {@code dialnet search} on the demo data with {@code more} options. */
    private Run search(String... more) {
        List<String> args =
                new ArrayList<>(List.of("search", "--data", "idx:demo", "--model", "cnn", "--out", dir.toString()));
        args.addAll(List.of(more));
        return run(args.toArray(String[]::new));
    }

    private static void assertRefused(Run run, String message) {
        assertThat(run.code()).isEqualTo(2);
        assertThat(run.err()).contains(message);
    }

    /** Issue 15: --device on every command that computes; a bad value or a missing GPU is one line, exit 2. */
    @Test
    void issue15DeviceIsValidatedOnEveryCommandThatComputes() {
        Engines.start();
        boolean gpu = Engines.start().hasCapability(StandardCapabilities.CUDA);
        String out = dir.resolve("o").toString();
        for (String[] command : new String[][] {
            with(SMALL_TRAIN, "--data", "idx:demo", "--out", out),
            {"search", "--data", "idx:demo", "--model", "cnn", "--targets", "0.5", "--out", out},
            {"compare", "--data", "idx:demo", "--model", "cnn", "--out", out},
            {"bench", "training", "--model", "cnn"},
            {"bench", "latency", "--model", out},
            {"serve", "--model", out}
        }) {
            Run bad = run(with(command, "--device", "tpu"));
            assertThat(bad.code()).as(String.join(" ", command)).isEqualTo(Main.BAD_INPUT);
            assertThat(bad.err())
                    .startsWith("dialnet: --device tpu: expected cpu, gpu, gpu:N or gpu:N,M,...")
                    .doesNotContain("\tat ");
        }
        if (!gpu) {
            Run noGpu = run(with(SMALL_TRAIN, "--data", "idx:demo", "--out", out, "--device", "gpu:0,1"));
            assertThat(noGpu.code()).isEqualTo(Main.BAD_INPUT);
            assertThat(noGpu.err())
                    .startsWith("dialnet: --device gpu:0,1: no GPU visible to the engine")
                    .hasLineCount(1);
            Run bench = run("bench", "training", "--model", "cnn", "--device", "gpu");
            assertThat(bench.err()).startsWith("dialnet: --device gpu:0: no GPU visible to the engine");
        }
        Run several = run(
                "search",
                "--data",
                "idx:demo",
                "--model",
                "cnn",
                "--targets",
                "0.5",
                "--out",
                out,
                "--device",
                "gpu:0,1");
        assertThat(several.code()).isEqualTo(Main.BAD_INPUT);
        assertThat(several.err()).contains("search runs on one device");
        if (!ai.onnxruntime.OrtEnvironment.getAvailableProviders().contains(ai.onnxruntime.OrtProvider.CUDA)) {
            assertThatCode(() -> OrtSessions.requireCuda(Devices.CPU, "--device"))
                    .doesNotThrowAnyException();
            assertThatThrownBy(() -> OrtSessions.requireCuda(Devices.parse("gpu", "--device"), "--device"))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageStartingWith("--device gpu:0: no GPU visible to ONNX Runtime");
        }
    }
}
