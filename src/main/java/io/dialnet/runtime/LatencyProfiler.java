package io.dialnet.runtime;

import io.dialnet.artifact.Manifest;
import io.dialnet.nn.Devices;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.function.LongSupplier;

/** Measures a subnet's latency: warm-up calls, then percentiles of repeated calls. */
public final class LatencyProfiler {
    private LatencyProfiler() {}

    /**
     * Latency of each of {@code subnets} at {@code batch}, {@linkplain #timeTogether timed together}:
     * {@code warmup} calls each, then {@code runs} rounds of one timed call each (docs/BENCHMARKS.md
     * section 10).
     */
    public static List<Manifest.Latency> measureTogether(
            DynamicModel model, List<String> subnets, int batch, int warmup, int runs, int threads) {
        var spec = model.manifest().model();
        float[] input = new float[batch * spec.inputChannels() * spec.inputSize() * spec.inputSize()];
        Random random = new Random(1);
        for (int i = 0; i < input.length; i++) {
            input[i] = (float) random.nextGaussian();
        }
        List<Runnable> calls = subnets.stream()
                .<Runnable>map(subnet -> () -> model.predict(input, batch, subnet))
                .toList();
        double[][] ms = timeTogether(calls, warmup, runs, 1);
        // A GPU measurement is stored as "onnxruntime@gpu": a CPU server's controller, which starts from
        // its own back end's entries, must not take a GPU's latency for its own.
        String backend = model.backend().name().toLowerCase(Locale.ROOT)
                + (model.devices().isGpu() ? "@gpu" : "");
        List<Manifest.Latency> latencies = new ArrayList<>();
        for (double[] m : ms) {
            latencies.add(new Manifest.Latency(
                    backend,
                    device(model.devices()),
                    batch,
                    threads,
                    percentile(m, 50),
                    percentile(m, 90),
                    percentile(m, 99)));
        }
        return latencies;
    }

    /**
     * Milliseconds of each of {@code calls}, timed together, each row sorted: {@code warmup} untimed
     * calls each, then {@code rounds} rounds that take the calls in turn (each round starting one
     * later), with one untimed call (switching back) and {@code perRound} timed calls each. A
     * machine whose speed drifts then slows every call alike, so their ratios hold.
     */
    static double[][] timeTogether(List<Runnable> calls, int warmup, int rounds, int perRound) {
        return timeTogether(calls, warmup, rounds, perRound, System::nanoTime);
    }

    /** As above, reading nanoseconds from {@code clock}. */
    static double[][] timeTogether(List<Runnable> calls, int warmup, int rounds, int perRound, LongSupplier clock) {
        int n = calls.size();
        for (Runnable call : calls) {
            for (int i = 0; i < warmup; i++) {
                call.run();
            }
        }
        double[][] ms = new double[n][rounds * perRound];
        for (int round = 0; round < rounds; round++) {
            for (int k = 0; k < n; k++) {
                int c = (round + k) % n;
                if (n > 1) {
                    calls.get(c).run();
                }
                for (int i = 0; i < perRound; i++) {
                    long start = clock.getAsLong();
                    calls.get(c).run();
                    ms[c][round * perRound + i] = (clock.getAsLong() - start) / 1e6;
                }
            }
        }
        for (double[] row : ms) {
            Arrays.sort(row);
        }
        return ms;
    }

    /**
     * The {@code p}-th percentile (nearest rank) of {@code sorted}, an ascending array; NaN when it
     * is empty. The one percentile of every latency Dialnet reports.
     */
    public static double percentile(double[] sorted, double p) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        int index = (int) Math.ceil(p / 100 * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
    }

    /**
     * Where {@code devices} computes, in words: the CPU's model and core count, or the GPU's index
     * (CUDA gives no model name without its management library; the host's report names it).
     */
    public static String device(Devices devices) {
        return devices.isGpu() ? "NVIDIA GPU " + devices.primary().getDeviceId() + " (CUDA)" : device();
    }

    /** This machine in words: CPU model and core count. */
    public static String device() {
        String cpu = System.getProperty("os.arch");
        try {
            cpu = Files.readAllLines(Path.of("/proc/cpuinfo")).stream()
                    .filter(l -> l.startsWith("model name"))
                    .map(l -> l.substring(l.indexOf(':') + 1).trim())
                    .findFirst()
                    .orElse(cpu);
        } catch (IOException | RuntimeException e) {
            // not Linux: the architecture name will do
        }
        return cpu + ", " + Runtime.getRuntime().availableProcessors() + " cores";
    }
}
