package io.dialnet.runtime;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.dialnet.nn.Devices;
import java.nio.FloatBuffer;
import java.util.Arrays;
import java.util.Map;
import java.util.Random;

/**
 * The latency of one ONNX graph on ONNX Runtime, set up as {@code serve} sets up its sessions
 * (intra-op threads, no spinning): what a search with latency targets must meet, since the
 * deployed model runs there and not on the training engine.
 */
public final class OnnxLatency {
    private static final int WARMUP = 10;
    private static final int RUNS = 31;

    private OnnxLatency() {}

    /**
     * The median of {@value #RUNS} timed calls after {@value #WARMUP} warm-up calls, in
     * milliseconds, of {@code graph} on a batch of {@code batch} random images of
     * {@code channels x size x size}.
     */
    public static double medianMillis(byte[] graph, int batch, int channels, int size, int threads) {
        return medianMillis(graph, batch, channels, size, threads, Devices.CPU);
    }

    /** As {@link #medianMillis(byte[], int, int, int, int)}, on {@code devices}' primary device. */
    public static double medianMillis(byte[] graph, int batch, int channels, int size, int threads, Devices devices) {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        float[] input = new float[batch * channels * size * size];
        Random random = new Random(1);
        for (int i = 0; i < input.length; i++) {
            input[i] = (float) random.nextGaussian();
        }
        try (OrtSession.SessionOptions options = OrtSessions.options(threads, devices, "device")) {
            try (OrtSession session = env.createSession(graph, options);
                    OnnxTensor x = OnnxTensor.createTensor(env, FloatBuffer.wrap(input),
                            new long[] {batch, channels, size, size})) {
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
                return ms[RUNS / 2];
            }
        } catch (OrtException e) {
            throw new IllegalStateException("ONNX Runtime could not time a subnet graph: " + e.getMessage(), e);
        }
    }
}
