package io.dialnet.nn;

import ai.djl.ndarray.NDArray;

/**
 * Lets a caller see and replace what flows through a prunable coupling set during one pass,
 * without the network knowing why: the search uses it to inject ranking noise into channel
 * groups, either into normalised activations or into convolution weights (PNI style).
 */
public interface PassHook {
    /** Returns the activation to use in place of {@code y}, the output of {@code norm}. */
    default NDArray afterNorm(SlimBatchNorm norm, NDArray y, Pass pass) {
        return y;
    }

    /** Returns the weight to use in place of {@code w}, {@code conv}'s weight already sliced to the plan. */
    default NDArray weight(SlimConv2d conv, NDArray w, Pass pass) {
        return w;
    }
}
