package io.dialnet.runtime;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.dialnet.artifact.ArtifactException;
import io.dialnet.artifact.DynamicModelFile;
import io.dialnet.artifact.Manifest;
import io.dialnet.artifact.Tensor;
import io.dialnet.nn.ChannelPlan;
import io.dialnet.nn.Engines;
import io.dialnet.nn.Mode;
import io.dialnet.nn.ModelSpec;
import io.dialnet.nn.Pass;
import io.dialnet.nn.SlimBatchNorm;
import io.dialnet.nn.SlimmableNetwork;
import io.dialnet.nn.zoo.ModelZoo;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A loaded dynamic model: one set of weights, several nested subnets, any of which answers a
 * request. This is the in-process DJL/PyTorch back end; switching subnets is choosing a plan,
 * with no weight copy. Safe for concurrent {@link #predict} calls (each uses its own manager and
 * eval-mode BatchNorm reads only).
 */
public final class DynamicModel implements AutoCloseable {
    private final Manifest manifest;
    private final NDManager manager;
    private final SlimmableNetwork network;
    private final Map<String, ChannelPlan> plans = new LinkedHashMap<>();

    private DynamicModel(Manifest manifest, NDManager manager, SlimmableNetwork network) {
        this.manifest = manifest;
        this.manager = manager;
        this.network = network;
    }

    /** Loads and checks an artifact written by {@code dialnet export}. */
    public static DynamicModel load(Path file) throws ArtifactException {
        DynamicModelFile artifact = DynamicModelFile.read(file);
        Manifest m = artifact.manifest();
        Engines.start();
        Engines.noGrad();
        NDManager manager = NDManager.newBaseManager();
        try {
            ModelSpec spec = m.model();
            SlimmableNetwork network = ModelZoo.create(spec, manager, 0);
            for (Map.Entry<String, NDArray> p : network.parameters().entrySet()) {
                Tensor t = artifact.tensors().get(p.getKey());
                if (t == null || !java.util.Arrays.equals(t.shape(), p.getValue().getShape().getShape())) {
                    throw new ArtifactException(file + ": parameter " + p.getKey() + " is missing or does not fit a "
                            + spec.architecture());
                }
                p.getValue().set(t.data());
            }
            DynamicModel model = new DynamicModel(m, manager, network);
            for (Manifest.SubnetEntry s : m.subnets()) {
                ChannelPlan plan = ChannelPlan.of(s.channels());
                network.register(plan, true);
                for (SlimBatchNorm norm : network.norms()) {
                    SlimBatchNorm.State state = norm.state(plan);
                    state.mean().set(tensor(artifact, s.name(), norm.name(), "mean"));
                    state.var().set(tensor(artifact, s.name(), norm.name(), "var"));
                    state.gamma().set(tensor(artifact, s.name(), norm.name(), "gamma"));
                    state.beta().set(tensor(artifact, s.name(), norm.name(), "beta"));
                }
                model.plans.put(s.name(), plan);
            }
            return model;
        } catch (ArtifactException | RuntimeException e) {
            manager.close();
            throw e;
        }
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
        try (NDManager call = manager.newSubManager()) {
            Engines.noGrad();
            NDArray x = call.create(input, new Shape(batch, spec.inputChannels(), spec.inputSize(), spec.inputSize()));
            return network.forward(new Pass(plan, Mode.EVAL, call), x).toFloatArray();
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

    @Override
    public void close() {
        network.close();
        manager.close();
    }
}
