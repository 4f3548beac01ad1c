package io.dialnet.search;

import io.dialnet.nn.ChannelPlan;

/** What a target limits: MACs (counted) or latency (measured on this machine). */
@FunctionalInterface
public interface CostModel {
    /** The cost of running {@code plan}, in the unit of the targets (MACs, or milliseconds). */
    double cost(ChannelPlan plan);
}
