package io.dialnet.cli;

import io.dialnet.SimdBlock;
import io.dialnet.bench.DialBenchmark;
import io.dialnet.nn.ModelSpec;
import io.dialnet.nn.zoo.ModelZoo;
import io.dialnet.runtime.LatencyProfiler;
import io.dialnet.runtime.OrtSettings;
import java.io.PrintWriter;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code dialnet bench dial}: each width's ONNX Runtime latency against its MACs, per set-up. */
@Command(
        name = "dial",
        mixinStandardHelpOptions = true,
        description = "Latency of each uniform width of an architecture on ONNX Runtime (in a child process), its "
                + "speed-up over full width against its MACs reduction, for each batch size and session set-up.")
final class BenchDialCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    CommonOptions common;

    @Option(names = "--model", defaultValue = "resnet20", description = "Architecture (default: ${DEFAULT-VALUE}).")
    String model;

    @Option(names = "--image-size", description = "Input pixels per side (default: the architecture's).")
    Integer imageSize;

    @Option(names = "--group-size", defaultValue = "0", description = "Channels per group (0 = this CPU's SIMD block).")
    int groupSize;

    @Option(
            names = "--widths",
            split = ",",
            defaultValue = "1.0,0.75,0.5,0.25",
            description = "Widths, full first (default: ${DEFAULT-VALUE}).")
    List<Double> widths;

    @Option(
            names = "--batch-sizes",
            split = ",",
            defaultValue = "1,64",
            description = "Batch sizes (default: ${DEFAULT-VALUE}).")
    List<Integer> batches;

    @Option(
            names = "--ort-settings",
            defaultValue = "level=all",
            description =
                    "Session set-ups to compare, separated by ';', each key=value pairs of level (basic|extended|all), nchwc, arena, spinning (on|off); unnamed keys keep serve's values (default: ${DEFAULT-VALUE}).")
    String settings;

    @Override
    public Integer call() {
        ModelSpec modelSpec = ModelZoo.spec(model, imageSize, null, groupSize);
        List<OrtSettings> setups =
                Arrays.stream(settings.split(";")).map(OrtSettings::parse).toList();
        int threads = common.startEngine();
        PrintWriter out = spec.commandLine().getOut();
        out.printf(
                "%s at %dx%d, groups of %d, %d threads, %s; CPU: %s%n",
                model,
                modelSpec.inputSize(),
                modelSpec.inputSize(),
                modelSpec.groupSize(),
                threads,
                SimdBlock.detect(),
                LatencyProfiler.device());
        out.println("| set-up | subnet | channels | MACs | batch | p50 ms | p99 ms | MACs reduction | speed-up | "
                + "speed-up / reduction | GMAC/s |");
        out.println("|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|");
        for (DialBenchmark.Row r : DialBenchmark.run(modelSpec, widths, batches, setups, threads)) {
            print(out, r);
        }
        return 0;
    }

    private static void print(PrintWriter out, DialBenchmark.Row r) {
        out.printf(
                Locale.ROOT,
                "| %s | %s | %s | %.2fM | %d | %.3f | %.3f | %.2fx | %.2fx | %.2f | %.1f |%n",
                r.settings(),
                r.subnet(),
                r.channels().toString().replace(" ", ""),
                r.macs() / 1e6,
                r.batch(),
                r.latency().p50(),
                r.latency().p99(),
                r.macsReduction(),
                r.speedup(),
                r.speedup() / r.macsReduction(),
                r.gmacsPerSecond());
        out.flush();
    }
}
