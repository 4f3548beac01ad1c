package io.dialnet.runtime;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
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
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/** In-process DJL/PyTorch over the shared weights: a subnet is a channel plan with its own BatchNorm. */
final class DjlRunner implements SubnetRunner {
    private final NDManager manager;
    private final SlimmableNetwork network;
    private final Map<String, ChannelPlan> plans = new LinkedHashMap<>();
    /** Each subnet's weight views, taken once (the weights never change here). */
    private final SliceCache slices;

    private DjlRunner(NDManager manager, SlimmableNetwork network) {
        this.manager = manager;
        this.network = network;
        this.slices = new SliceCache(manager);
    }

    static DjlRunner open(Path file, DynamicModelFile artifact, Devices devices, String option)
            throws ArtifactException {
        if (devices.size() > 1) {
            throw new IllegalArgumentException(option + " " + devices + ": a model is served from one device");
        }
        devices.requireAvailable(option);
        Engines.start();
        Engines.noGrad();
        NDManager manager = NDManager.newBaseManager(devices.primary());
        try {
            ModelSpec spec = artifact.manifest().model();
            SlimmableNetwork network = ModelZoo.create(spec, manager, 0);
            for (Map.Entry<String, NDArray> p : network.parameters().entrySet()) {
                Tensor t = artifact.tensors().get(p.getKey());
                if (t == null
                        || !Arrays.equals(t.shape(), p.getValue().getShape().getShape())) {
                    throw new ArtifactException(file + ": parameter " + p.getKey() + " is missing or does not fit a "
                            + spec.architecture());
                }
                Engines.fill(p.getValue(), t.data());
            }
            DjlRunner runner = new DjlRunner(manager, network);
            for (Manifest.SubnetEntry s : artifact.manifest().subnets()) {
                ChannelPlan plan = ChannelPlan.of(s.channels());
                network.register(plan, true);
                for (SlimBatchNorm norm : network.norms()) {
                    SlimBatchNorm.State state = norm.state(plan);
                    Engines.fill(state.mean(), tensor(artifact, s.name(), norm.name(), "mean"));
                    Engines.fill(state.var(), tensor(artifact, s.name(), norm.name(), "var"));
                    Engines.fill(state.gamma(), tensor(artifact, s.name(), norm.name(), "gamma"));
                    Engines.fill(state.beta(), tensor(artifact, s.name(), norm.name(), "beta"));
                }
                runner.plans.put(s.name(), plan);
            }
            return runner;
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

    @Override
    public float[] run(float[] input, long[] shape, String subnet) {
        try (NDManager call = manager.newSubManager()) {
            Engines.noGrad();
            NDArray x = call.create(input, new Shape(shape));
            return network.forward(new Pass(plans.get(subnet), Mode.EVAL, call, null, slices), x)
                    .toFloatArray();
        }
    }

    @Override
    public void close() {
        network.close();
        manager.close();
    }
}
