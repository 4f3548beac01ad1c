package io.dialnet.train;

import io.dialnet.nn.ChannelPlan;

/** A named subnet: {@code w0.50} for a uniform width, {@code s1..sK} for explicit plans. */
public record Subnet(String name, ChannelPlan plan) {}
