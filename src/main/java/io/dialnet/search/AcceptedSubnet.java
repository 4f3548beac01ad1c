package io.dialnet.search;

import io.dialnet.nn.ChannelPlan;

/**
 * A subnet a search accepted.
 *
 * @param name {@code s1} (the full model), {@code s2}, ...
 * @param plan its channels per coupling set
 * @param macs multiply-accumulates per image
 * @param cost its cost in the unit of the targets (MACs, or measured milliseconds)
 * @param accuracy validation accuracy when accepted (after fine-tuning, if any)
 * @param fineTuned whether the shared weights were fine-tuned for it
 */
public record AcceptedSubnet(String name, ChannelPlan plan, long macs, double cost, double accuracy, boolean fineTuned)
        implements Pareto.Point {}
