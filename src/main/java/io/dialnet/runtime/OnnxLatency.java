package io.dialnet.runtime;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.dialnet.artifact.Manifest;
import io.dialnet.nn.Devices;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.FloatBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

/**
 * The latency of one ONNX graph on ONNX Runtime, set up as {@code serve} sets up its sessions
 * ({@link OrtSettings}): what a dial must deliver, since the deployed model runs there
 * and not on the training engine. {@link OnnxLatencyProfiler} runs it in a child process.
 */
public final class OnnxLatency {
    static final int WARMUP = 10;
    static final int RUNS = 31;

    private OnnxLatency() {}

    /**
     * Percentiles of {@value #RUNS} timed calls after {@value #WARMUP} warm-up calls of
     * {@code graph} on a batch of {@code batch} random images of {@code channels x size x size}.
     */
    public static Manifest.Latency measure(
            byte[] graph, int batch, int channels, int size, int threads, OrtSettings settings) {
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            settings.apply(options, threads);
            return measure(graph, batch, channels, size, threads, options);
        } catch (OrtException e) {
            throw new IllegalStateException("ONNX Runtime rejects the session settings: " + e.getMessage(), e);
        }
    }

    /** The median milliseconds of {@code graph} on {@code devices}' primary device (the CUDA provider on a GPU). */
    public static double medianMillis(byte[] graph, int batch, int channels, int size, int threads, Devices devices) {
        try (OrtSession.SessionOptions options = OrtSessions.options(threads, devices, "--device")) {
            return measure(graph, batch, channels, size, threads, options).p50();
        }
    }

    private static Manifest.Latency measure(
            byte[] graph, int batch, int channels, int size, int threads, OrtSession.SessionOptions options) {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        float[] input = new float[batch * channels * size * size];
        Random random = new Random(1);
        for (int i = 0; i < input.length; i++) {
            input[i] = (float) random.nextGaussian();
        }
        try (OrtSession session = env.createSession(graph, options);
                OnnxTensor x = OnnxTensor.createTensor(
                        env, FloatBuffer.wrap(input), new long[] {batch, channels, size, size})) {
            String name = session.getInputNames().iterator().next();
            double[] ms = new double[RUNS];
            for (int i = 0; i < WARMUP + RUNS; i++) {
                long start = System.nanoTime();
                try (OrtSession.Result ignored = session.run(Map.of(name, x))) {
                    if (i >= WARMUP) {
                        ms[i - WARMUP] = (System.nanoTime() - start) / 1e6;
                    }
                }
            }
            Arrays.sort(ms);
            return new Manifest.Latency(
                    "onnxruntime",
                    LatencyProfiler.device(),
                    batch,
                    threads,
                    LatencyProfiler.percentile(ms, 50),
                    LatencyProfiler.percentile(ms, 90),
                    LatencyProfiler.percentile(ms, 99));
        } catch (OrtException e) {
            throw new IllegalStateException("ONNX Runtime could not time a subnet graph: " + e.getMessage(), e);
        }
    }

    /**
     * The child process's loop: each input line {@code FILE BATCH CHANNELS SIZE THREADS SETTINGS} is
     * answered by one line {@code p50 p90 p99} (or {@code error MESSAGE}).
     */
    public static void main(String[] args) throws IOException {
        PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        for (String line = in.readLine(); line != null; line = in.readLine()) {
            String[] f = line.trim().split(" ");
            try {
                Manifest.Latency l = measure(
                        Files.readAllBytes(Path.of(f[0])),
                        Integer.parseInt(f[1]),
                        Integer.parseInt(f[2]),
                        Integer.parseInt(f[3]),
                        Integer.parseInt(f[4]),
                        OrtSettings.parse(f[5]));
                out.println(String.format(Locale.ROOT, "%.6f %.6f %.6f", l.p50(), l.p90(), l.p99()));
            } catch (RuntimeException e) {
                out.println("error " + String.valueOf(e.getMessage()).replace('\n', ' '));
            }
        }
    }
}
