package io.dialnet.nn;

import ai.djl.ndarray.NDManager;
import java.util.Objects;

/**
 * One forward pass: which subnet runs, in which mode, and the per-batch manager that owns every
 * temporary array (weight slices included), so that closing it frees the whole pass.
 *
 * @param plan the subnet to run
 * @param mode train, eval or BN calibration
 * @param manager the batch's sub-manager; slices and intermediates are attached to it
 * @param hook an optional hook into activations and weights, or {@code null}
 * @param slices reusable weight slices for eval passes over fixed weights, or {@code null}
 */
public record Pass(ChannelPlan plan, Mode mode, NDManager manager, PassHook hook, SliceCache slices) {

    public Pass {
        Objects.requireNonNull(plan, "plan");
        Objects.requireNonNull(mode, "mode");
        Objects.requireNonNull(manager, "manager");
    }

    public Pass(ChannelPlan plan, Mode mode, NDManager manager) {
        this(plan, mode, manager, null, null);
    }

    public Pass(ChannelPlan plan, Mode mode, NDManager manager, PassHook hook) {
        this(plan, mode, manager, hook, null);
    }

    /** Channels this pass uses in {@code set}: the plan's count, or all of a fixed set. */
    public int width(CouplingSet set) {
        return set.width(plan);
    }
}
