package io.dialnet.nn;

import ai.djl.ndarray.NDArray;

/**
 * Sees every normalised activation of a prunable coupling set and may replace it; used by the
 * search to inject ranking noise into channel groups without the network knowing about search.
 */
@FunctionalInterface
public interface ActivationHook {
    /** Returns the activation to use in place of {@code y}, the output of {@code norm} in this pass. */
    NDArray afterNorm(SlimBatchNorm norm, NDArray y, Pass pass);
}
