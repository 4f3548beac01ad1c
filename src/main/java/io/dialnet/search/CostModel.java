package io.dialnet.search;

import io.dialnet.nn.ChannelPlan;
import io.dialnet.nn.Complexity;
import io.dialnet.nn.SlimmableNetwork;
import java.util.function.ToDoubleFunction;

/** What a target limits: MACs (counted) or latency (measured by the runtime that will serve the model). */
public interface CostModel {
    /** The cost of running {@code plan}, in the unit of the targets (MACs, or milliseconds). */
    double cost(ChannelPlan plan);

    /**
     * Whether cutting a group never raises the cost. True of counted MACs; not of measured
     * latency, where a plan with fewer MACs may leave a kernel's fast path and run slower.
     */
    boolean fallsAlongCuts();

    /** MACs as counted by {@link Complexity}. */
    static CostModel macs(SlimmableNetwork network) {
        return new CostModel() {
            @Override
            public double cost(ChannelPlan plan) {
                return Complexity.of(network, plan).macs();
            }

            @Override
            public boolean fallsAlongCuts() {
                return true;
            }
        };
    }

    /** A measured cost (milliseconds), with no assumption about its order along a cut path. */
    static CostModel measured(ToDoubleFunction<ChannelPlan> milliseconds) {
        return new CostModel() {
            @Override
            public double cost(ChannelPlan plan) {
                return milliseconds.applyAsDouble(plan);
            }

            @Override
            public boolean fallsAlongCuts() {
                return false;
            }
        };
    }
}
