package io.dialnet.nn.zoo;

import ai.djl.ndarray.NDManager;
import io.dialnet.nn.ChannelPlan;
import io.dialnet.nn.Complexity;
import io.dialnet.nn.CouplingSet;
import io.dialnet.nn.ModelSpec;
import io.dialnet.nn.SlimmableNetwork;
import java.util.List;

/**
 * What {@code dialnet info} shows of a model: its coupling sets, one channel plan and what that
 * plan costs against the full network.
 *
 * @param couplingSets the network's coupling sets, in plan order
 * @param plan the plan described
 * @param cost MACs and params of {@code plan}
 * @param full MACs and params of the full network
 */
public record ModelSummary(
        ModelSpec spec, List<CouplingSet> couplingSets, ChannelPlan plan, Complexity cost, Complexity full) {

    /**
     * Builds {@code spec} (weights seeded by {@code seed}; they do not change the counts) and
     * describes {@code plan}, or when it is {@code null} the uniform {@code width}, or when that is
     * {@code null} too the full network.
     */
    public static ModelSummary of(ModelSpec spec, ChannelPlan plan, Double width, long seed) {
        try (NDManager manager = NDManager.newBaseManager();
                SlimmableNetwork network = ModelZoo.create(spec, manager, seed)) {
            ChannelPlan chosen = plan != null ? plan : width != null ? network.uniformPlan(width) : network.fullPlan();
            return new ModelSummary(
                    spec,
                    List.copyOf(network.couplingSets()),
                    chosen,
                    Complexity.of(network, chosen),
                    Complexity.of(network, network.fullPlan()));
        }
    }
}
