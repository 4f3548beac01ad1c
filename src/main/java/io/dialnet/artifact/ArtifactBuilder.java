package io.dialnet.artifact;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import io.dialnet.nn.ChannelPlan;
import io.dialnet.nn.CouplingSet;
import io.dialnet.nn.SlimBatchNorm;
import io.dialnet.nn.SlimmableNetwork;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Turns a trained network and its registered subnets into a {@link DynamicModelFile}. */
public final class ArtifactBuilder {
    private ArtifactBuilder() {}

    /**
     * Every subnet must be registered in {@code network} (it owns BatchNorm statistics); its
     * BatchNorm scale and shift are written per subnet too (the shared ones, sliced, when it has no
     * private ones), so a runtime treats all subnets alike.
     */
    public static DynamicModelFile build(
            SlimmableNetwork network,
            List<Manifest.SubnetEntry> subnets,
            Map<String, double[]> normalization,
            Map<String, String> provenance)
            throws ArtifactException {
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        Map<String, long[]> shapes = new LinkedHashMap<>();
        network.parameters().forEach((name, array) -> {
            tensors.put(name, tensor(array));
            shapes.put(name, array.getShape().getShape());
        });
        for (Manifest.SubnetEntry subnet : subnets) {
            putNormTensors(network, subnet, tensors);
        }
        List<Manifest.CouplingSetInfo> sets = new ArrayList<>();
        for (CouplingSet set : network.couplingSets()) {
            sets.add(new Manifest.CouplingSetInfo(set.name(), set.channels(), set.groupSize()));
        }
        List<Manifest.NormInfo> norms = network.norms().stream()
                .map(n -> new Manifest.NormInfo(n.name(), n.set().index()))
                .toList();
        Manifest manifest = new Manifest(
                DynamicModelFile.FORMAT,
                network.spec(),
                sets,
                norms,
                shapes,
                List.copyOf(subnets),
                normalization,
                provenance);
        DynamicModelFile file = new DynamicModelFile(manifest, tensors, Map.of());
        DynamicModelFile.check(file, "artifact of " + network.spec().architecture());
        return file;
    }

    /**
     * The subnet's own BatchNorm tensors (running mean and variance, and its gamma and beta: its
     * own when trained switchable, else the shared ones' prefix), so a reader treats all subnets alike.
     */
    private static void putNormTensors(
            SlimmableNetwork network, Manifest.SubnetEntry subnet, Map<String, Tensor> tensors)
            throws ArtifactException {
        ChannelPlan plan = ChannelPlan.of(subnet.channels());
        if (!network.registeredPlans().containsKey(plan)) {
            throw new ArtifactException("subnet " + subnet.name() + " (" + plan + ") has no BatchNorm statistics "
                    + "in this network; register and calibrate it before exporting");
        }
        for (SlimBatchNorm norm : network.norms()) {
            SlimBatchNorm.State state = norm.state(plan);
            int c = norm.set().width(plan);
            tensors.put(DynamicModelFile.normTensor(subnet.name(), norm.name(), "mean"), tensor(state.mean()));
            tensors.put(DynamicModelFile.normTensor(subnet.name(), norm.name(), "var"), tensor(state.var()));
            tensors.put(
                    DynamicModelFile.normTensor(subnet.name(), norm.name(), "gamma"),
                    state.gamma() != null ? tensor(state.gamma()) : prefix(norm.gamma(), c));
            tensors.put(
                    DynamicModelFile.normTensor(subnet.name(), norm.name(), "beta"),
                    state.beta() != null ? tensor(state.beta()) : prefix(norm.beta(), c));
        }
    }

    private static Tensor tensor(NDArray array) {
        return new Tensor(array.getShape().getShape(), array.toFloatArray());
    }

    private static Tensor prefix(NDArray full, int c) {
        try (NDManager scratch = full.getManager().newSubManager();
                NDArray view = full.get(new NDIndex().addSliceDim(0, c))) {
            view.attach(scratch);
            return tensor(view);
        }
    }
}
