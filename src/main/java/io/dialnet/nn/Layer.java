package io.dialnet.nn;

import ai.djl.ndarray.NDArray;

/** A layer with weights; knows its own cost for any plan, which is all the MACs counter needs. */
public interface Layer {
    String name();

    /** Multiply-accumulates of one forward pass of one image under {@code plan}. */
    long macs(ChannelPlan plan);

    /** Weights used under {@code plan} (BatchNorm counts its scale and shift). */
    long params(ChannelPlan plan);

    /**
     * Reorders this layer's tensors along every dimension that belongs to {@code set}: new
     * channel {@code i} is old channel {@code order[i]}. Layers not touching the set do nothing.
     */
    void permute(CouplingSet set, int[] order, Permuter permuter);

    /** Reorders one tensor along one axis (and whatever mirrors it, such as its momentum). */
    @FunctionalInterface
    interface Permuter {
        void apply(NDArray tensor, int axis, int[] order);
    }
}
