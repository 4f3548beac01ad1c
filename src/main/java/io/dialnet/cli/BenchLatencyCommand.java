package io.dialnet.cli;

import io.dialnet.artifact.DynamicModelFile;
import io.dialnet.artifact.Manifest;
import io.dialnet.nn.Devices;
import io.dialnet.report.Plots;
import io.dialnet.runtime.DynamicModel;
import io.dialnet.runtime.LatencyProfiler;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code dialnet bench latency}: every subnet's latency on this machine for each back end and
 * batch size, stored into the artifact (so {@code select} and the server can use it), printed
 * with achieved GMAC/s, and plotted as accuracy against measured latency.
 */
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
        if (runs < 1 || warmup < 0 || batchSizes.stream().anyMatch(b -> b < 1)) {
            throw new IllegalArgumentException("--runs must be >= 1, --warmup >= 0 and batch sizes >= 1");
        }
        Devices devices = device.parsed("bench latency");
        int threads = common.startEngine();
        DynamicModelFile file = DynamicModelFile.read(model);
        Map<String, List<Manifest.Latency>> measured = new LinkedHashMap<>();
        file.manifest().subnets().forEach(s -> measured.put(s.name(), new ArrayList<>()));
        PrintWriter out = spec.commandLine().getOut();
        out.printf(
                "%-8s %-12s %6s %10s %10s %10s %8s %9s%n",
                "subnet", "backend", "batch", "p50 ms", "p90 ms", "p99 ms", "GMAC/s", "vs full");
        for (String name : backends) {
            DynamicModel.Backend backend = DynamicModel.Backend.parse(name, "--backends");
            try (DynamicModel m = DynamicModel.load(model, backend, threads, devices, DeviceOptions.OPTION)) {
                for (int batch : batchSizes) {
                    double full = Double.NaN;
                    for (Manifest.SubnetEntry s : m.subnets()) {
                        Manifest.Latency l = LatencyProfiler.measure(m, s.name(), batch, warmup, runs, threads);
                        measured.get(s.name()).add(l);
                        if (Double.isNaN(full)) {
                            full = l.p50();
                        }
                        out.printf(
                                Locale.ROOT,
                                "%-8s %-12s %6d %10.3f %10.3f %10.3f %8.1f %8.2fx%n",
                                s.name(),
                                l.backend(),
                                batch,
                                l.p50(),
                                l.p90(),
                                l.p99(),
                                s.macs() * (double) batch / l.p50() / 1e6,
                                full / l.p50());
                        out.flush();
                    }
                }
            }
        }
        if (!noStore) {
            List<Manifest.SubnetEntry> subnets = new ArrayList<>();
            for (Manifest.SubnetEntry s : file.manifest().subnets()) {
                List<Manifest.Latency> kept = new ArrayList<>(s.latency().stream()
                        .filter(old -> measured.get(s.name()).stream()
                                .noneMatch(n -> n.backend().equals(old.backend())
                                        && n.batchSize() == old.batchSize()
                                        && n.threads() == old.threads()
                                        && n.device().equals(old.device())))
                        .toList());
                kept.addAll(measured.get(s.name()));
                subnets.add(new Manifest.SubnetEntry(
                        s.name(), s.channels(), s.macs(), s.params(), s.validationAccuracy(), s.testAccuracy(), kept));
            }
            Manifest m = file.manifest();
            new DynamicModelFile(
                            new Manifest(
                                    m.format(),
                                    m.model(),
                                    m.couplingSets(),
                                    m.norms(),
                                    m.tensors(),
                                    subnets,
                                    m.normalization(),
                                    m.provenance()),
                            file.tensors(),
                            file.onnx())
                    .write(model);
            out.printf(
                    "stored %d measurements per subnet in %s (device: %s, %d threads)%n",
                    measured.values().iterator().next().size(), model, LatencyProfiler.device(devices), threads);
        }
        if (plot != null) {
            List<Plots.LatencyPoint> points = new ArrayList<>();
            for (Manifest.SubnetEntry s : file.manifest().subnets()) {
                measured.get(s.name())
                        .forEach(l -> points.add(
                                new Plots.LatencyPoint(l.backend(), l.batchSize(), l.p50(), s.validationAccuracy())));
            }
            Plots.accuracyVsLatency(points, file.manifest().model().architecture(), plot);
        }
        out.flush();
        return 0;
    }
}
