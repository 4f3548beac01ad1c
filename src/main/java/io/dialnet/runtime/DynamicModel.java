package io.dialnet.runtime;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.dialnet.artifact.ArtifactException;
import io.dialnet.artifact.DynamicModelFile;
import io.dialnet.artifact.Manifest;
import io.dialnet.artifact.Tensor;
import io.dialnet.nn.ChannelPlan;
import io.dialnet.nn.Devices;
import io.dialnet.nn.Engines;
import io.dialnet.nn.Mode;
import io.dialnet.nn.ModelSpec;
import io.dialnet.nn.Pass;
import io.dialnet.nn.SliceCache;
import io.dialnet.nn.SlimBatchNorm;
import io.dialnet.nn.SlimmableNetwork;
import io.dialnet.nn.zoo.ModelZoo;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

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
    private final NDManager manager;
    private final SlimmableNetwork network;
    private final Map<String, ChannelPlan> plans = new LinkedHashMap<>();
    private final Map<String, OrtSession> sessions = new LinkedHashMap<>();
    /** DJL back end: each subnet's weight views, taken once (the weights never change here). */
    private final SliceCache slices;
    /**
     * Predictions hold the read lock, {@link #close} the write lock: closing waits for calls in
     * progress instead of freeing native sessions under them (a crash inside ONNX Runtime), and a
     * call after closing fails with a clear exception.
     */
    private final java.util.concurrent.locks.ReentrantReadWriteLock lifecycle =
            new java.util.concurrent.locks.ReentrantReadWriteLock();

    private boolean closed;

    private DynamicModel(
            Manifest manifest, Backend backend, NDManager manager, SlimmableNetwork network, Devices devices) {
        this.manifest = manifest;
        this.devices = devices;
        this.backend = backend;
        this.manager = manager;
        this.network = network;
        this.slices = manager == null ? null : new SliceCache(manager);
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
                "device");
    }

    /**
     * Loads and checks an artifact written by {@code dialnet export} for {@code backend}, with
     * {@code threads} intra-op threads for ONNX Runtime (0 = its default).
     */
    public static DynamicModel load(Path file, Backend backend, int threads) throws ArtifactException {
        return load(file, DynamicModelFile.read(file), backend, threads, Devices.CPU, "device");
    }

    /**
     * As {@link #load(Path, Backend, int)}, on {@code devices}' primary device: the CUDA execution
     * provider for ONNX Runtime, a CUDA tensor for DJL. {@code option} names the device's source
     * in errors ({@code --device}); a device the back end cannot use is an
     * {@link IllegalArgumentException}.
     */
    public static DynamicModel load(Path file, Backend backend, int threads, Devices devices, String option)
            throws ArtifactException {
        return load(file, DynamicModelFile.read(file), backend, threads, devices, option);
    }

    private static DynamicModel load(
            Path file, DynamicModelFile artifact, Backend backend, int threads, Devices devices, String option)
            throws ArtifactException {
        Manifest m = artifact.manifest();
        if (backend == Backend.ONNXRUNTIME) {
            return loadOnnx(file, artifact, threads, devices, option);
        }
        if (devices.size() > 1) {
            throw new IllegalArgumentException(option + " " + devices + ": a model is served from one device");
        }
        devices.requireAvailable(option);
        Engines.start();
        Engines.noGrad();
        NDManager manager = NDManager.newBaseManager(devices.primary());
        try {
            ModelSpec spec = m.model();
            SlimmableNetwork network = ModelZoo.create(spec, manager, 0);
            for (Map.Entry<String, NDArray> p : network.parameters().entrySet()) {
                Tensor t = artifact.tensors().get(p.getKey());
                if (t == null
                        || !java.util.Arrays.equals(
                                t.shape(), p.getValue().getShape().getShape())) {
                    throw new ArtifactException(file + ": parameter " + p.getKey() + " is missing or does not fit a "
                            + spec.architecture());
                }
                Engines.fill(p.getValue(), t.data());
            }
            DynamicModel model = new DynamicModel(m, Backend.DJL, manager, network, devices);
            for (Manifest.SubnetEntry s : m.subnets()) {
                ChannelPlan plan = ChannelPlan.of(s.channels());
                network.register(plan, true);
                for (SlimBatchNorm norm : network.norms()) {
                    SlimBatchNorm.State state = norm.state(plan);
                    Engines.fill(state.mean(), tensor(artifact, s.name(), norm.name(), "mean"));
                    Engines.fill(state.var(), tensor(artifact, s.name(), norm.name(), "var"));
                    Engines.fill(state.gamma(), tensor(artifact, s.name(), norm.name(), "gamma"));
                    Engines.fill(state.beta(), tensor(artifact, s.name(), norm.name(), "beta"));
                }
                model.plans.put(s.name(), plan);
            }
            return model;
        } catch (ArtifactException | RuntimeException e) {
            manager.close();
            throw e;
        }
    }

    private static DynamicModel loadOnnx(
            Path file, DynamicModelFile artifact, int threads, Devices devices, String option)
            throws ArtifactException {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        OrtSession.SessionOptions opened = OrtSessions.options(threads, devices, option);
        DynamicModel model = new DynamicModel(artifact.manifest(), Backend.ONNXRUNTIME, null, null, devices);
        try (OrtSession.SessionOptions options = opened) {
            for (Manifest.SubnetEntry s : artifact.manifest().subnets()) {
                byte[] graph = artifact.onnx().get(s.name());
                if (graph == null) {
                    throw new ArtifactException(file + ": subnet " + s.name() + " has no ONNX graph; export it again "
                            + "without --no-onnx, or load with the DJL back end");
                }
                model.sessions.put(s.name(), env.createSession(graph, options));
                model.plans.put(s.name(), ChannelPlan.of(s.channels()));
            }
        } catch (OrtException e) {
            model.close();
            throw new ArtifactException(file + ": ONNX Runtime rejects a graph: " + e.getMessage());
        }
        return model;
    }

    public Backend backend() {
        return backend;
    }

    /** Where inference runs. */
    public Devices devices() {
        return devices;
    }

    private static float[] tensor(DynamicModelFile artifact, String subnet, String norm, String kind)
            throws ArtifactException {
        Tensor t = artifact.tensors().get(DynamicModelFile.normTensor(subnet, norm, kind));
        if (t == null) {
            throw new ArtifactException("subnet " + subnet + " lacks BatchNorm " + kind + " of " + norm);
        }
        return t.data();
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
        ChannelPlan plan = plans.get(subnet);
        if (plan == null) {
            throw new IllegalArgumentException("unknown subnet '" + subnet + "'; this model has " + plans.keySet());
        }
        ModelSpec spec = manifest.model();
        long expected = (long) batch * spec.inputChannels() * spec.inputSize() * spec.inputSize();
        if (batch < 1 || input.length != expected) {
            throw new IllegalArgumentException("input of " + input.length + " values is not " + batch + " images of "
                    + spec.inputChannels() + "x" + spec.inputSize() + "x" + spec.inputSize());
        }
        long[] shape = {batch, spec.inputChannels(), spec.inputSize(), spec.inputSize()};
        if (backend == Backend.ONNXRUNTIME) {
            OrtEnvironment env = OrtEnvironment.getEnvironment();
            try (OnnxTensor x = OnnxTensor.createTensor(env, FloatBuffer.wrap(input), shape);
                    OrtSession.Result result = sessions.get(subnet).run(Map.of("input", x))) {
                float[][] logits = (float[][]) result.get(0).getValue();
                float[] flat = new float[batch * logits[0].length];
                for (int i = 0; i < batch; i++) {
                    System.arraycopy(logits[i], 0, flat, i * logits[i].length, logits[i].length);
                }
                return flat;
            } catch (OrtException e) {
                throw new IllegalStateException("ONNX Runtime failed on subnet " + subnet + ": " + e.getMessage(), e);
            }
        }
        try (NDManager call = manager.newSubManager()) {
            Engines.noGrad();
            NDArray x = call.create(input, new Shape(shape));
            return network.forward(new Pass(plan, Mode.EVAL, call, null, slices), x)
                    .toFloatArray();
        }
    }

    /**
     * The most accurate subnet whose measured latency at {@code batchSize} (any back end recorded
     * for this model, median) fits {@code budgetMs}; empty when none does or none was measured.
     */
    public Optional<Manifest.SubnetEntry> select(double budgetMs, int batchSize) {
        return manifest.subnets().stream()
                .filter(s -> s.latency().stream().anyMatch(l -> l.batchSize() == batchSize && l.p50() <= budgetMs))
                .max(java.util.Comparator.comparingDouble(Manifest.SubnetEntry::validationAccuracy));
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
            free();
        } finally {
            lifecycle.writeLock().unlock();
        }
    }

    private void free() {
        for (OrtSession session : sessions.values()) {
            try {
                session.close();
            } catch (OrtException ignored) {
                // closing frees native memory; nothing useful to do if it reports an error
            }
        }
        if (network != null) {
            network.close();
            manager.close();
        }
    }
}
