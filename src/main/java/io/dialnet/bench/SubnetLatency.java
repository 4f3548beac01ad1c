package io.dialnet.bench;

import io.dialnet.artifact.ArtifactException;
import io.dialnet.artifact.DynamicModelFile;
import io.dialnet.artifact.Manifest;
import io.dialnet.nn.Devices;
import io.dialnet.report.Plots;
import io.dialnet.runtime.DynamicModel;
import io.dialnet.runtime.LatencyProfiler;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Every subnet's latency on this machine for each back end and batch size, as {@code dialnet
 * bench latency} measures it: stored into the artifact (so {@code select} and the server can use
 * it, replacing earlier measurements of the same set-up) and, if asked, plotted as accuracy
 * against measured latency.
 *
 * @param model the dynamic model file
 * @param batchSizes batch sizes, each at least 1
 * @param backends back-end names as {@code --backends} takes them
 * @param runs timed calls per subnet and batch size
 * @param warmup untimed calls first
 * @param store write the measurements into the model file
 * @param plot where to plot accuracy against p50 latency, or {@code null}
 */
public record SubnetLatency(
        Path model, List<Integer> batchSizes, List<String> backends, int runs, int warmup, boolean store, Path plot) {

    public SubnetLatency {
        if (runs < 1 || warmup < 0 || batchSizes.stream().anyMatch(b -> b < 1)) {
            throw new IllegalArgumentException("--runs must be >= 1, --warmup >= 0 and batch sizes >= 1");
        }
    }

    /**
     * One subnet at one batch size on one back end.
     *
     * @param gmacsPerSecond multiply-accumulates per second achieved, in billions
     * @param speedup the full subnet's p50 over this one's (same back end and batch size)
     */
    public record Row(String subnet, int batch, Manifest.Latency latency, double gmacsPerSecond, double speedup) {
        /** This row under {@link #HEADER}. */
        public String line() {
            return String.format(
                    Locale.ROOT,
                    "%-8s %-12s %6d %10.3f %10.3f %10.3f %8.1f %8.2fx",
                    subnet,
                    latency.backend(),
                    batch,
                    latency.p50(),
                    latency.p90(),
                    latency.p99(),
                    gmacsPerSecond,
                    speedup);
        }
    }

    /** The header of the {@link Row#line} table. */
    public static final String HEADER = String.format(
            "%-8s %-12s %6s %10s %10s %10s %8s %9s",
            "subnet", "backend", "batch", "p50 ms", "p90 ms", "p99 ms", "GMAC/s", "vs full");

    /** How many measurements per subnet were stored (0 when not stored), on which device. */
    public record Stored(int perSubnet, String device) {}

    /**
     * Measures on {@code devices} with {@code threads} threads, reporting each row to {@code rows}
     * as it is measured; then stores and plots as asked.
     */
    public Stored run(Devices devices, int threads, Consumer<Row> rows) throws ArtifactException {
        DynamicModelFile file = DynamicModelFile.read(model);
        Map<String, List<Manifest.Latency>> measured = new LinkedHashMap<>();
        file.manifest().subnets().forEach(s -> measured.put(s.name(), new ArrayList<>()));
        for (String name : backends) {
            DynamicModel.Backend backend = DynamicModel.Backend.parse(name, "--backends");
            try (DynamicModel m = DynamicModel.load(model, backend, threads, devices, "--device")) {
                List<String> names =
                        m.subnets().stream().map(Manifest.SubnetEntry::name).toList();
                for (int batch : batchSizes) {
                    // timed together, in turns, so that the speed-ups compare like with like
                    List<Manifest.Latency> latencies =
                            LatencyProfiler.measureTogether(m, names, batch, warmup, runs, threads);
                    double full = latencies.get(0).p50();
                    for (int i = 0; i < names.size(); i++) {
                        Manifest.SubnetEntry s = m.subnets().get(i);
                        Manifest.Latency l = latencies.get(i);
                        measured.get(s.name()).add(l);
                        rows.accept(
                                new Row(s.name(), batch, l, s.macs() * (double) batch / l.p50() / 1e6, full / l.p50()));
                    }
                }
            }
        }
        if (store) {
            List<Manifest.SubnetEntry> subnets = new ArrayList<>();
            for (Manifest.SubnetEntry s : file.manifest().subnets()) {
                subnets.add(s.withLatency(merged(s.latency(), measured.get(s.name()))));
            }
            new DynamicModelFile(file.manifest().withSubnets(subnets), file.tensors(), file.onnx()).write(model);
        }
        if (plot != null) {
            Plots.accuracyVsLatency(
                    points(file.manifest(), measured), file.manifest().model().architecture(), plot);
        }
        int perSubnet = store ? measured.values().iterator().next().size() : 0;
        return new Stored(perSubnet, LatencyProfiler.device(devices));
    }

    /** {@code earlier} measurements of set-ups not measured again, then the new ones. */
    private static List<Manifest.Latency> merged(List<Manifest.Latency> earlier, List<Manifest.Latency> now) {
        List<Manifest.Latency> kept = new ArrayList<>(earlier.stream()
                .filter(old -> now.stream()
                        .noneMatch(n -> n.backend().equals(old.backend())
                                && n.batchSize() == old.batchSize()
                                && n.threads() == old.threads()
                                && n.device().equals(old.device())))
                .toList());
        kept.addAll(now);
        return kept;
    }

    /** Each measurement with its subnet's validation accuracy, subnets largest first. */
    private static List<Plots.LatencyPoint> points(Manifest manifest, Map<String, List<Manifest.Latency>> measured) {
        List<Plots.LatencyPoint> points = new ArrayList<>();
        for (Manifest.SubnetEntry s : manifest.subnets()) {
            measured.get(s.name())
                    .forEach(l -> points.add(
                            new Plots.LatencyPoint(l.backend(), l.batchSize(), l.p50(), s.validationAccuracy())));
        }
        return points;
    }
}
