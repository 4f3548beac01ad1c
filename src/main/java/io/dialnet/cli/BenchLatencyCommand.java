package io.dialnet.cli;

import io.dialnet.artifact.Manifest;
import io.dialnet.bench.SubnetLatency;
import io.dialnet.nn.Devices;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code dialnet bench latency}: every subnet's latency per back end and batch size ({@link SubnetLatency}), with achieved GMAC/s. */
@Command(
        name = "latency",
        mixinStandardHelpOptions = true,
        description =
                "Per-subnet latency (p50/p90/p99) of a dynamic model for each back end and batch size; stored in the model.")
final class BenchLatencyCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    CommonOptions common;

    @Mixin
    DeviceOptions device;

    @Option(
            names = "--model",
            required = true,
            paramLabel = "FILE",
            description = "A dynamic model written by dialnet export.")
    Path model;

    @Option(
            names = "--batch-sizes",
            split = ",",
            defaultValue = "1,64",
            description = "Batch sizes (default: ${DEFAULT-VALUE}).")
    List<Integer> batchSizes;

    @Option(
            names = "--backends",
            split = ",",
            defaultValue = "onnxruntime,djl",
            description = "Back ends (default: ${DEFAULT-VALUE}).")
    List<String> backends;

    @Option(
            names = "--runs",
            defaultValue = "50",
            description = "Timed calls per subnet and batch size (default: ${DEFAULT-VALUE}).")
    int runs;

    @Option(names = "--warmup", defaultValue = "10", description = "Untimed calls first (default: ${DEFAULT-VALUE}).")
    int warmup;

    @Option(names = "--no-store", description = "Do not write the measurements into the model file.")
    boolean noStore;

    @Option(names = "--plot", paramLabel = "PNG", description = "Also plot accuracy against p50 latency.")
    Path plot;

    @Override
    public Integer call() throws Exception {
        SubnetLatency bench = new SubnetLatency(model, batchSizes, backends, runs, warmup, !noStore, plot);
        Devices devices = device.parsed("bench latency");
        int threads = common.startEngine();
        PrintWriter out = spec.commandLine().getOut();
        out.printf(
                "%-8s %-12s %6s %10s %10s %10s %8s %9s%n",
                "subnet", "backend", "batch", "p50 ms", "p90 ms", "p99 ms", "GMAC/s", "vs full");
        SubnetLatency.Stored stored = bench.run(devices, threads, row -> print(out, row));
        if (!noStore) {
            out.printf(
                    "stored %d measurements per subnet in %s (device: %s, %d threads)%n",
                    stored.perSubnet(), model, stored.device(), threads);
        }
        out.flush();
        return 0;
    }

    private static void print(PrintWriter out, SubnetLatency.Row r) {
        Manifest.Latency l = r.latency();
        out.printf(
                Locale.ROOT,
                "%-8s %-12s %6d %10.3f %10.3f %10.3f %8.1f %8.2fx%n",
                r.subnet(),
                l.backend(),
                r.batch(),
                l.p50(),
                l.p90(),
                l.p99(),
                r.gmacsPerSecond(),
                r.speedup());
        out.flush();
    }
}
