package io.dialnet.runtime;

import com.fasterxml.jackson.core.type.TypeReference;
import io.dialnet.AtomicFiles;
import io.dialnet.Json;
import io.dialnet.artifact.Manifest;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.function.DoubleSupplier;

/**
 * Latency of subnet graphs on ONNX Runtime, measured in a child JVM so that the training engine's
 * threads (libtorch's OpenMP pool, which spins after each parallel region) never share the cores
 * with the measurement, and cached per machine: the cache file is named by a fingerprint of the
 * CPU, core count, ONNX Runtime version, thread count and session settings, and keyed by the graph's SHA-256 and
 * the batch size. A cached figure is reused only on the machine and set-up that measured it, and
 * only a figure measured while other processes left the cores alone ({@link CpuContention}) is cached.
 */
public final class OnnxLatencyProfiler implements AutoCloseable {
    private final int threads;
    private final OrtSettings settings;
    private final Path cacheFile;
    private final Map<String, Manifest.Latency> cache;
    private final Path scratch;
    private final boolean remeasure;
    private final DoubleSupplier othersShare;
    /** The largest share of the cores other processes used before a measurement; 0 if none was made. */
    private double contention;

    private Process worker;
    private BufferedWriter toWorker;
    private BufferedReader fromWorker;

    /**
     * @param threads intra-op threads, as {@code serve --threads} would use
     * @param cacheDir where the per-machine cache lives, or {@code null} for no cache
     */
    public OnnxLatencyProfiler(int threads, Path cacheDir) {
        this(threads, cacheDir, false);
    }

    /** As above; with {@code remeasure}, every graph is measured again rather than read from the cache. */
    public OnnxLatencyProfiler(int threads, Path cacheDir, boolean remeasure) {
        this(threads, OrtSettings.SERVING, cacheDir, remeasure, CpuContention::othersShare);
    }

    /** As above, with sessions set up by {@code settings} rather than as {@code serve} sets them up. */
    public OnnxLatencyProfiler(int threads, OrtSettings settings, Path cacheDir) {
        this(threads, settings, cacheDir, false, CpuContention::othersShare);
    }

    /**
     * @param remeasure measure every graph again rather than reuse a cached figure (the new one is cached)
     * @param othersShare the share of the cores other processes use now, asked before each measurement
     */
    OnnxLatencyProfiler(
            int threads, OrtSettings settings, Path cacheDir, boolean remeasure, DoubleSupplier othersShare) {
        this.threads = threads;
        this.settings = settings;
        this.remeasure = remeasure;
        this.othersShare = othersShare;
        this.cacheFile =
                cacheDir == null ? null : cacheDir.resolve("onnx-latency-" + fingerprint(threads, settings) + ".json");
        this.cache = readCache(cacheFile);
        try {
            this.scratch = Files.createTempDirectory("dialnet-latency");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The largest share of the cores that other processes used before one of this profiler's
     * measurements, if it passed {@link CpuContention#BUSY}: those figures are not this machine's
     * and were not cached.
     */
    public synchronized OptionalDouble contention() {
        return contention > CpuContention.BUSY ? OptionalDouble.of(contention) : OptionalDouble.empty();
    }

    /** The latency of {@code graph} on a batch of {@code batch} images of {@code channels x size x size}. */
    public synchronized Manifest.Latency measure(byte[] graph, int batch, int channels, int size) {
        return measureTogether(List.of(graph), batch, channels, size).get(0);
    }

    /**
     * The latency of each of {@code graphs} on a batch of {@code batch} images, measured together
     * in turns ({@link OnnxLatency#measureTogether}) unless every figure is cached: latencies that
     * will be compared with each other, as the dial check compares subnets.
     */
    public synchronized List<Manifest.Latency> measureTogether(List<byte[]> graphs, int batch, int channels, int size) {
        List<String> keys = graphs.stream()
                .map(g -> sha256(g) + "/" + batch + "/" + channels + "x" + size)
                .toList();
        if (!remeasure && cache.keySet().containsAll(keys)) {
            return keys.stream().map(cache::get).toList();
        }
        double others = othersShare.getAsDouble();
        contention = Math.max(contention, Double.isNaN(others) ? 0 : others);
        try {
            StringBuilder request =
                    new StringBuilder(batch + " " + channels + " " + size + " " + threads + " " + settings);
            for (int i = 0; i < graphs.size(); i++) {
                Path file = scratch.resolve("graph-" + i + ".onnx");
                Files.write(file, graphs.get(i));
                request.append(' ').append(file);
            }
            String answer = ask(request.toString());
            String[] f = answer == null ? new String[0] : answer.split(" ");
            if (answer == null || answer.startsWith("error") || f.length != 3 * graphs.size()) {
                throw new IllegalStateException("the latency worker failed: " + answer);
            }
            List<Manifest.Latency> latencies = new ArrayList<>();
            for (int i = 0; i < graphs.size(); i++) {
                Manifest.Latency latency = new Manifest.Latency(
                        "onnxruntime",
                        LatencyProfiler.device(),
                        batch,
                        threads,
                        Double.parseDouble(f[3 * i]),
                        Double.parseDouble(f[3 * i + 1]),
                        Double.parseDouble(f[3 * i + 2]));
                latencies.add(latency);
            }
            if (!(others > CpuContention.BUSY)) {
                for (int i = 0; i < keys.size(); i++) {
                    cache.put(keys.get(i), latencies.get(i));
                }
                writeCache();
            }
            return latencies;
        } catch (IOException e) {
            throw new UncheckedIOException("latency measurement: " + e.getMessage(), e);
        }
    }

    private String ask(String request) throws IOException {
        if (worker == null) {
            String java = ProcessHandle.current().info().command().orElse("java");
            worker = new ProcessBuilder(
                            List.of(java, "-cp", System.getProperty("java.class.path"), OnnxLatency.class.getName()))
                    .redirectError(ProcessBuilder.Redirect.DISCARD)
                    .start();
            toWorker = new BufferedWriter(new OutputStreamWriter(worker.getOutputStream(), StandardCharsets.UTF_8));
            fromWorker = new BufferedReader(new InputStreamReader(worker.getInputStream(), StandardCharsets.UTF_8));
        }
        toWorker.write(request);
        toWorker.newLine();
        toWorker.flush();
        return fromWorker.readLine();
    }

    /** Whether a child process was started (not when every figure came from the cache). */
    synchronized boolean started() {
        return worker != null;
    }

    /** CPU model, cores, ONNX Runtime version, threads and settings, as a file-name-safe string. */
    static String fingerprint(int threads, OrtSettings settings) {
        String cpu = LatencyProfiler.device();
        String ort = ai.onnxruntime.OrtEnvironment.class.getPackage().getImplementationVersion();
        String raw = cpu + "|ort " + ort + "|" + threads + " threads|" + settings;
        return sha256(raw.getBytes(StandardCharsets.UTF_8)).substring(0, 16);
    }

    private static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Map<String, Manifest.Latency> readCache(Path file) {
        if (file == null || !Files.exists(file)) {
            return new LinkedHashMap<>();
        }
        try {
            return new LinkedHashMap<>(
                    Json.MAPPER.readValue(file.toFile(), new TypeReference<Map<String, Manifest.Latency>>() {}));
        } catch (IOException e) {
            return new LinkedHashMap<>(); // a damaged cache is only a cache: measure again
        }
    }

    private void writeCache() throws IOException {
        if (cacheFile != null) {
            Files.createDirectories(cacheFile.getParent());
            AtomicFiles.write(cacheFile, Json.PRETTY.writeValueAsBytes(cache));
        }
    }

    @Override
    public synchronized void close() {
        if (worker != null) {
            worker.destroy();
        }
        try (var files = Files.list(scratch)) {
            for (Path p : files.toList()) {
                Files.deleteIfExists(p);
            }
            Files.deleteIfExists(scratch);
        } catch (IOException e) {
            // a temporary directory left behind is harmless
        }
    }

    @Override
    public String toString() {
        return String.format(
                Locale.ROOT, "ONNX Runtime latency in a child process, %d threads, cache %s", threads, cacheFile);
    }
}
