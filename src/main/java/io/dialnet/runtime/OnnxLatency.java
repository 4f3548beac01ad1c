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
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.stream.Collectors;

/**
 * The latency of one ONNX graph on ONNX Runtime, set up as {@code serve} sets up its sessions
 * ({@link OrtSettings}): what a dial must deliver, since the deployed model runs there
 * and not on the training engine. {@link OnnxLatencyProfiler} runs it in a child process.
 */
public final class OnnxLatency {
    static final int WARMUP = 10;
    static final int RUNS = 31;

    /** Rounds of {@link #measureTogether}: each takes every graph in turn. */
    static final int ROUNDS = 16;

    /** Timed calls of each graph per round, after one untimed call that brings its weights back into cache. */
    static final int CALLS_PER_ROUND = 4;

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

    /**
     * Percentiles of each of {@code graphs}, measured together: after {@value #WARMUP} warm-up
     * calls each, {@value #ROUNDS} rounds take the graphs in turn (each round starting one graph
     * later), {@value #CALLS_PER_ROUND} timed calls each. A machine whose speed drifts (a neighbour
     * on a shared host, the clock) then slows every graph alike, so their ratios, which the dial
     * check compares, hold; measured one after another, the same graph's p50 moved by up to a third
     * between measurements on the development machine.
     */
    public static List<Manifest.Latency> measureTogether(
            List<byte[]> graphs, int batch, int channels, int size, int threads, OrtSettings settings) {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        List<OrtSession> sessions = new ArrayList<>();
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions();
                OnnxTensor x = input(env, batch, channels, size)) {
            settings.apply(options, threads);
            for (byte[] graph : graphs) {
                sessions.add(env.createSession(graph, options));
            }
            List<Runnable> calls = new ArrayList<>();
            for (OrtSession session : sessions) {
                calls.add(call(session, x));
            }
            double[][] ms = LatencyProfiler.timeTogether(calls, WARMUP, ROUNDS, CALLS_PER_ROUND);
            List<Manifest.Latency> latencies = new ArrayList<>();
            for (double[] m : ms) {
                latencies.add(percentiles(m, batch, threads));
            }
            return latencies;
        } catch (OrtException e) {
            throw new IllegalStateException("ONNX Runtime could not time a subnet graph: " + e.getMessage(), e);
        } finally {
            for (OrtSession session : sessions) {
                try {
                    session.close();
                } catch (OrtException e) {
                    // closing a session that timed is no reason to lose its figures
                }
            }
        }
    }

    /** One call of {@code session} on {@code x}, to be timed. */
    private static Runnable call(OrtSession session, OnnxTensor x) {
        String name = session.getInputNames().iterator().next();
        Map<String, OnnxTensor> inputs = Map.of(name, x);
        return () -> {
            try (OrtSession.Result ignored = session.run(inputs)) {
                // only the time matters
            } catch (OrtException e) {
                throw new IllegalStateException("ONNX Runtime could not time a subnet graph: " + e.getMessage(), e);
            }
        };
    }

    /** A batch of {@code batch} seeded random images of {@code channels x size x size}. */
    private static OnnxTensor input(OrtEnvironment env, int batch, int channels, int size) throws OrtException {
        float[] input = new float[batch * channels * size * size];
        Random random = new Random(1);
        for (int i = 0; i < input.length; i++) {
            input[i] = (float) random.nextGaussian();
        }
        return OnnxTensor.createTensor(env, FloatBuffer.wrap(input), new long[] {batch, channels, size, size});
    }

    /** The percentiles of {@code sorted}, ascending milliseconds, as a measurement of this machine. */
    private static Manifest.Latency percentiles(double[] sorted, int batch, int threads) {
        return new Manifest.Latency(
                "onnxruntime",
                LatencyProfiler.device(),
                batch,
                threads,
                LatencyProfiler.percentile(sorted, 50),
                LatencyProfiler.percentile(sorted, 90),
                LatencyProfiler.percentile(sorted, 99));
    }

    private static Manifest.Latency measure(
            byte[] graph, int batch, int channels, int size, int threads, OrtSession.SessionOptions options) {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession session = env.createSession(graph, options);
                OnnxTensor x = input(env, batch, channels, size)) {
            return percentiles(
                    LatencyProfiler.timeTogether(List.of(call(session, x)), WARMUP, RUNS, 1)[0], batch, threads);
        } catch (OrtException e) {
            throw new IllegalStateException("ONNX Runtime could not time a subnet graph: " + e.getMessage(), e);
        }
    }
    /**
     * The child process's loop: each input line {@code BATCH CHANNELS SIZE THREADS SETTINGS FILE...}
     * is answered by one line of {@code p50 p90 p99} per file (or {@code error MESSAGE}): one file
     * measured alone, several {@linkplain #measureTogether together}.
     */
    public static void main(String[] args) throws IOException {
        PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        for (String line = in.readLine(); line != null; line = in.readLine()) {
            String[] f = line.trim().split(" ");
            try {
                int batch = Integer.parseInt(f[0]);
                int channels = Integer.parseInt(f[1]);
                int size = Integer.parseInt(f[2]);
                int threads = Integer.parseInt(f[3]);
                OrtSettings settings = OrtSettings.parse(f[4]);
                List<byte[]> graphs = new ArrayList<>();
                for (int i = 5; i < f.length; i++) {
                    graphs.add(Files.readAllBytes(Path.of(f[i])));
                }
                List<Manifest.Latency> latencies = graphs.size() == 1
                        ? List.of(measure(graphs.get(0), batch, channels, size, threads, settings))
                        : measureTogether(graphs, batch, channels, size, threads, settings);
                out.println(latencies.stream()
                        .map(l -> String.format(Locale.ROOT, "%.6f %.6f %.6f", l.p50(), l.p90(), l.p99()))
                        .collect(Collectors.joining(" ")));
            } catch (RuntimeException e) {
                out.println("error " + String.valueOf(e.getMessage()).replace('\n', ' '));
            }
        }
    }
}
