package io.dialnet.bench;

import ai.djl.ndarray.NDManager;
import io.dialnet.artifact.Manifest;
import io.dialnet.export.OnnxExport;
import io.dialnet.nn.ChannelPlan;
import io.dialnet.nn.Complexity;
import io.dialnet.nn.ModelSpec;
import io.dialnet.nn.SlimmableNetwork;
import io.dialnet.nn.zoo.ModelZoo;
import io.dialnet.runtime.OnnxLatencyProfiler;
import io.dialnet.runtime.OrtSettings;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Does the dial deliver on the serving runtime? Each uniform width of an architecture (weights do
 * not change latency, so they are left at their initial values) is exported as a compact ONNX
 * graph and timed on ONNX Runtime in a child process, for each batch size and each session
 * set-up; the speed-up over full width is set against the MACs reduction.
 */
public final class DialBenchmark {
    private DialBenchmark() {}

    /**
     * One subnet at one batch size under one set-up.
     *
     * @param macsReduction full MACs / this subnet's MACs
     * @param speedup full width's median latency / this subnet's (same batch, same set-up)
     */
    public record Row(
            OrtSettings settings,
            String subnet,
            List<Integer> channels,
            long macs,
            int batch,
            Manifest.Latency latency,
            double macsReduction,
            double speedup) {
        /** Multiply-accumulates per second achieved, in billions. */
        public double gmacsPerSecond() {
            return macs * (double) batch / latency.p50() / 1e6;
        }

        /** This row of the {@link #HEADER} markdown table. */
        public String markdown() {
            return String.format(
                    Locale.ROOT,
                    "| %s | %s | %s | %.2fM | %d | %.3f | %.3f | %.2fx | %.2fx | %.2f | %.1f |",
                    settings,
                    subnet,
                    channels.toString().replace(" ", ""),
                    macs / 1e6,
                    batch,
                    latency.p50(),
                    latency.p99(),
                    macsReduction,
                    speedup,
                    speedup / macsReduction,
                    gmacsPerSecond());
        }
    }

    /** The header of the {@link Row#markdown} table, two lines. */
    public static final String HEADER =
            "| set-up | subnet | channels | MACs | batch | p50 ms | p99 ms | MACs reduction "
                    + "| speed-up | speed-up / reduction | GMAC/s |" + System.lineSeparator()
                    + "|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|";

    /** Times every width of {@code spec} at every batch size under every set-up (largest width first). */
    public static List<Row> run(
            ModelSpec spec, List<Double> widths, List<Integer> batches, List<OrtSettings> setups, int threads) {
        List<Row> rows = new ArrayList<>();
        try (NDManager manager = NDManager.newBaseManager();
                SlimmableNetwork network = ModelZoo.create(spec, manager, 1)) {
            // widths whose plans round to the same channel counts are timed once, under the first width's name
            Map<ChannelPlan, String> named = new LinkedHashMap<>();
            widths.forEach(w -> named.putIfAbsent(network.uniformPlan(w), "w" + w));
            List<ChannelPlan> plans = List.copyOf(named.keySet());
            List<byte[]> graphs = new ArrayList<>();
            for (ChannelPlan plan : plans) {
                network.register(plan, false);
                graphs.add(OnnxExport.subnet(network, plan, plan.toString(), Map.of()));
            }
            long fullMacs = Complexity.of(network, plans.get(0)).macs();
            for (OrtSettings settings : setups) {
                try (OnnxLatencyProfiler profiler = new OnnxLatencyProfiler(threads, settings, null)) {
                    for (int batch : batches) {
                        // timed together, in turns, so that a drifting machine slows every width alike
                        List<Manifest.Latency> latencies =
                                profiler.measureTogether(graphs, batch, spec.inputChannels(), spec.inputSize());
                        double full = latencies.get(0).p50();
                        for (int i = 0; i < plans.size(); i++) {
                            Manifest.Latency l = latencies.get(i);
                            long macs = Complexity.of(network, plans.get(i)).macs();
                            rows.add(new Row(
                                    settings,
                                    named.get(plans.get(i)),
                                    plans.get(i).toList(),
                                    macs,
                                    batch,
                                    l,
                                    (double) fullMacs / macs,
                                    full / l.p50()));
                        }
                    }
                }
            }
        }
        return rows;
    }
}
