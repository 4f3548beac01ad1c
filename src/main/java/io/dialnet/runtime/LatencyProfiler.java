package io.dialnet.runtime;

import io.dialnet.artifact.Manifest;
import io.dialnet.nn.Devices;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.Random;

/** Measures a subnet's latency: warm-up calls, then percentiles of repeated calls. */
public final class LatencyProfiler {
    private LatencyProfiler() {}

    /** Latency of {@code subnet} at {@code batch} over {@code runs} timed calls after {@code warmup}. */
    public static Manifest.Latency measure(
            DynamicModel model, String subnet, int batch, int warmup, int runs, int threads) {
        var spec = model.manifest().model();
        float[] input = new float[batch * spec.inputChannels() * spec.inputSize() * spec.inputSize()];
        Random random = new Random(1);
        for (int i = 0; i < input.length; i++) {
            input[i] = (float) random.nextGaussian();
        }
        for (int i = 0; i < warmup; i++) {
            model.predict(input, batch, subnet);
        }
        double[] ms = new double[runs];
        for (int i = 0; i < runs; i++) {
            long start = System.nanoTime();
            model.predict(input, batch, subnet);
            ms[i] = (System.nanoTime() - start) / 1e6;
        }
        Arrays.sort(ms);
        // A GPU measurement is stored as "onnxruntime@gpu": a CPU server's controller, which starts from
        // its own back end's entries, must not take a GPU's latency for its own.
        String backend = model.backend().name().toLowerCase(Locale.ROOT)
                + (model.devices().isGpu() ? "@gpu" : "");
        return new Manifest.Latency(
                backend,
                device(model.devices()),
                batch,
                threads,
                percentile(ms, 50),
                percentile(ms, 90),
                percentile(ms, 99));
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
