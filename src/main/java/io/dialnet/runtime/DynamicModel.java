package io.dialnet.runtime;

import io.dialnet.artifact.ArtifactException;
import io.dialnet.artifact.DynamicModelFile;
import io.dialnet.artifact.Manifest;
import io.dialnet.nn.Devices;
import io.dialnet.nn.ModelSpec;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.stream.IntStream;

/**
 * A loaded dynamic model: one set of weights, several nested subnets, any of which answers a
 * request. Two back ends: ONNX Runtime over the compact per-subnet graphs (one session per subnet,
 * created at load) and in-process DJL/PyTorch over the shared weights (a subnet is a plan). Either
 * way switching subnets between requests copies no weights and allocates nothing that grows with
 * the model: it is a map lookup. Safe for concurrent {@link #predict} calls.
 */
public final class DynamicModel implements AutoCloseable {
    /** Where inference runs. */
    public enum Backend {
        ONNXRUNTIME,
        DJL;

        /** {@code onnxruntime} (or {@code ort}) or {@code djl}; {@code option} names the source in errors. */
        public static Backend parse(String name, String option) {
            return switch (name) {
                case "onnxruntime", "ort" -> ONNXRUNTIME;
                case "djl" -> DJL;
                default ->
                    throw new IllegalArgumentException(
                            option + ": unknown back end '" + name + "'; choose onnxruntime or djl");
            };
        }
    }

    private final Manifest manifest;
    private final Backend backend;
    private final Devices devices;
    private final SubnetRunner runner;
    /**
     * Predictions hold the read lock, {@link #close} the write lock: closing waits for calls in
     * progress instead of freeing native sessions under them (a crash inside ONNX Runtime), and a
     * call after closing fails with a clear exception.
     */
    private final ReentrantReadWriteLock lifecycle = new ReentrantReadWriteLock();

    private boolean closed;

    /** Over any back end; {@link #load} opens the artifact's. */
    DynamicModel(Manifest manifest, Backend backend, Devices devices, SubnetRunner runner) {
        this.manifest = manifest;
        this.backend = backend;
        this.devices = devices;
        this.runner = runner;
    }

    /** Loads an artifact with ONNX Runtime when it carries graphs, else with DJL. */
    public static DynamicModel load(Path file) throws ArtifactException {
        DynamicModelFile artifact = DynamicModelFile.read(file);
        return load(
                file,
                artifact,
                artifact.onnx().isEmpty() ? Backend.DJL : Backend.ONNXRUNTIME,
                0,
                Devices.CPU,
                "device",
                OrtSettings.SERVING);
    }

    /**
     * Loads and checks an artifact written by {@code dialnet export} for {@code backend}, with
     * {@code threads} intra-op threads for ONNX Runtime (0 = its default).
     */
    public static DynamicModel load(Path file, Backend backend, int threads) throws ArtifactException {
        return load(file, DynamicModelFile.read(file), backend, threads, Devices.CPU, "device", OrtSettings.SERVING);
    }

    /**
     * As {@link #load(Path, Backend, int)}, on {@code devices}' primary device: the CUDA execution
     * provider for ONNX Runtime, a CUDA tensor for DJL. {@code option} names the device's source
     * in errors ({@code --device}); a device the back end cannot use is an
     * {@link IllegalArgumentException}.
     */
    public static DynamicModel load(Path file, Backend backend, int threads, Devices devices, String option)
            throws ArtifactException {
        return load(file, backend, threads, devices, option, OrtSettings.SERVING);
    }

    /**
     * As {@link #load(Path, Backend, int, Devices, String)}, with ONNX Runtime sessions set up by
     * {@code settings} instead of {@link OrtSettings#SERVING} (the DJL back end ignores them).
     */
    public static DynamicModel load(
            Path file, Backend backend, int threads, Devices devices, String option, OrtSettings settings)
            throws ArtifactException {
        return load(file, DynamicModelFile.read(file), backend, threads, devices, option, settings);
    }

    private static DynamicModel load(
            Path file,
            DynamicModelFile artifact,
            Backend backend,
            int threads,
            Devices devices,
            String option,
            OrtSettings settings)
            throws ArtifactException {
        SubnetRunner runner = backend == Backend.ONNXRUNTIME
                ? OrtRunner.open(file, artifact, threads, devices, option, settings)
                : DjlRunner.open(file, artifact, devices, option);
        return new DynamicModel(artifact.manifest(), backend, devices, runner);
    }

    public Backend backend() {
        return backend;
    }

    /** Where inference runs. */
    public Devices devices() {
        return devices;
    }

    /** The subnets, largest first, with their size, accuracy and measured latency. */
    public List<Manifest.SubnetEntry> subnets() {
        return manifest.subnets();
    }

    public Manifest manifest() {
        return manifest;
    }

    /**
     * Logits {@code [batch, classes]} (row-major) of {@code subnet} for {@code input}, normalised
     * images {@code [batch, C, H, W]} in row-major order.
     */
    public float[] predict(float[] input, int batch, String subnet) {
        lifecycle.readLock().lock();
        try {
            if (closed) {
                throw new IllegalStateException("the model is closed");
            }
            return predictOpen(input, batch, subnet);
        } finally {
            lifecycle.readLock().unlock();
        }
    }

    private float[] predictOpen(float[] input, int batch, String subnet) {
        if (manifest.subnets().stream().noneMatch(s -> s.name().equals(subnet))) {
            throw new IllegalArgumentException("unknown subnet '" + subnet + "'; this model has "
                    + manifest.subnets().stream()
                            .map(Manifest.SubnetEntry::name)
                            .toList());
        }
        ModelSpec spec = manifest.model();
        long expected = (long) batch * spec.inputChannels() * spec.inputSize() * spec.inputSize();
        if (batch < 1 || input.length != expected) {
            throw new IllegalArgumentException("input of " + input.length + " values is not " + batch + " images of "
                    + spec.inputChannels() + "x" + spec.inputSize() + "x" + spec.inputSize());
        }
        return runner.run(input, new long[] {batch, spec.inputChannels(), spec.inputSize(), spec.inputSize()}, subnet);
    }

    /**
     * Runs every subnet on blank images, three times at batch 1 and once at each of {@code
     * batchSizes}, so that the first requests a server takes do not pay for the back end's first
     * runs (ONNX Runtime allocates and picks its kernels then: the first batch-1 call of a ResNet-20
     * subnet took 22 ms against 0.9 ms after it, long enough to miss a 20 ms deadline).
     */
    public void warmUp(int... batchSizes) {
        ModelSpec spec = manifest.model();
        int imageValues = spec.inputChannels() * spec.inputSize() * spec.inputSize();
        for (Manifest.SubnetEntry subnet : manifest.subnets()) {
            for (int batch : IntStream.concat(
                            IntStream.of(1, 1, 1), IntStream.of(batchSizes).filter(b -> b > 1))
                    .toArray()) {
                predict(new float[batch * imageValues], batch, subnet.name());
            }
        }
    }

    /**
     * The most accurate subnet whose measured latency at {@code batchSize} (any back end recorded
     * for this model, median) fits {@code budgetMs}; empty when none does or none was measured.
     */
    public Optional<Manifest.SubnetEntry> select(double budgetMs, int batchSize) {
        return manifest.subnets().stream()
                .filter(s -> s.latency().stream().anyMatch(l -> l.batchSize() == batchSize && l.p50() <= budgetMs))
                .max(Comparator.comparingDouble(Manifest.SubnetEntry::validationAccuracy));
    }

    /** Waits for predictions in progress, then frees the sessions or weights; later calls fail. */
    @Override
    public void close() {
        lifecycle.writeLock().lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            runner.close();
        } finally {
            lifecycle.writeLock().unlock();
        }
    }
}
