/**
 * Slimmable networks: layers that run any {@link io.dialnet.nn.ChannelPlan} by slicing full-width
 * weights with DJL's functional ops, coupling sets that keep residual additions consistent,
 * switchable BatchNorm (private statistics per registered plan) and the one MACs counter
 * ({@link io.dialnet.nn.Complexity}). {@link io.dialnet.nn.Engines} is the only class that knows
 * the PyTorch engine's conventions. Knows nothing of training.
 */
package io.dialnet.nn;
