package io.dialnet.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import io.dialnet.nn.SlimmableNetwork;

/** A penalty on the weights added to every step's loss, e.g. a group lasso on channel groups. */
@FunctionalInterface
public interface Regularizer {
    /** The penalty for the network's current weights, as an array owned by {@code scratch}. */
    NDArray penalty(SlimmableNetwork network, NDManager scratch);
}
