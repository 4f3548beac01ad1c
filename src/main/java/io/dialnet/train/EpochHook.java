package io.dialnet.train;

import java.util.List;

/**
 * Changes a run between epochs: the single-path method freezes a new subnet at chosen epochs,
 * after permuting channels (momentum included) so the subnet is a prefix.
 */
public interface EpochHook {
    /** After the steps of {@code epoch} (1-based), before validation and the checkpoint. */
    void afterEpoch(int epoch, Control control);

    /** Called when a run resumes, with the subnets the checkpoint had. */
    default void restored(List<Subnet> subnets) {}

    /** What a hook may do to the running training. */
    interface Control {
        /** The optimiser, whose momentum must be permuted along with the weights. */
        Sgd sgd();

        /** Adds a subnet to those delivered (and registers its BatchNorm state). */
        void addSubnet(Subnet subnet);

        /** The subnets delivered so far. */
        List<Subnet> subnets();
    }
}
