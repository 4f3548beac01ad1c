package io.dialnet.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.norm.BatchNorm;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * BatchNorm over a coupling set with <em>switchable</em> state: each registered plan owns its
 * running statistics, and optionally its own scale and shift.
 *
 * <p>Running statistics are never shared between widths: a narrow subnet sees different
 * activation statistics than a wide one, and sharing sliced statistics cost 7 points at full width
 * and 31 points at width 0.25 in our measurements
 * (docs/ARCHITECTURE.md, "Reference recipe and measurements").
 */
public final class SlimBatchNorm implements Layer {
    /** Torch's default: the weight of the newest batch in the running average. */
    static final double TRAIN_MOMENTUM = 0.1;

    static final float EPS = 1e-5f;

    private final String name;
    private final CouplingSet set;
    private final NDArray gamma;
    private final NDArray beta;
    private final Map<ChannelPlan, State> states = new LinkedHashMap<>();

    SlimBatchNorm(String name, CouplingSet set, NDArray gamma, NDArray beta) {
        this.name = name;
        this.set = set;
        this.gamma = gamma;
        this.beta = beta;
    }

    /** One plan's private BatchNorm state. Scale and shift are {@code null} when shared. */
    public static final class State {
        final NDArray mean;
        final NDArray var;
        final NDArray gamma;
        final NDArray beta;
        int calibrationBatches;

        State(NDArray mean, NDArray var, NDArray gamma, NDArray beta) {
            this.mean = mean;
            this.var = var;
            this.gamma = gamma;
            this.beta = beta;
        }

        public NDArray mean() {
            return mean;
        }

        public NDArray var() {
            return var;
        }

        /** The private scale, or {@code null} when this plan uses the shared one. */
        public NDArray gamma() {
            return gamma;
        }

        /** The private shift, or {@code null} when this plan uses the shared one. */
        public NDArray beta() {
            return beta;
        }
    }

    public NDArray forward(Pass pass, NDArray x) {
        int c = pass.width(set);
        State state = states.get(pass.plan());
        NDArray g = state != null && state.gamma != null ? state.gamma : Engines.prefix(gamma, pass, c);
        NDArray b = state != null && state.beta != null ? state.beta : Engines.prefix(beta, pass, c);
        NDArray y;
        switch (pass.mode()) {
            case EVAL -> y = batchNorm(x, state.mean, state.var, g, b, TRAIN_MOMENTUM, false);
            case CALIBRATE -> {
                // A cumulative average: batch k enters with weight 1/k, so N batches count equally.
                state.calibrationBatches++;
                y = batchNorm(x, state.mean, state.var, g, b, 1.0 / state.calibrationBatches, true);
            }
            default -> {
                NDArray mean = state != null ? state.mean : scratch(pass.manager(), c, 0f);
                NDArray var = state != null ? state.var : scratch(pass.manager(), c, 1f);
                y = batchNorm(x, mean, var, g, b, TRAIN_MOMENTUM, true);
            }
        }
        return pass.hook() == null || !set.prunable() ? y : pass.hook().afterNorm(this, y, pass);
    }

    private static NDArray scratch(NDManager manager, int c, float value) {
        return manager.full(new Shape(c), value);
    }

    /**
     * The functional op: normalises dimension 1 of NCHW or NC input; with {@code training} it uses
     * batch statistics and updates {@code mean}/{@code var} in place with weight {@code momentum}
     * (torch's convention) for the batch.
     */
    public static NDArray batchNorm(
            NDArray x, NDArray mean, NDArray var, NDArray gamma, NDArray beta, double momentum, boolean training) {
        return BatchNorm.batchNorm(
                        x, mean, var, gamma, beta, Engines.BN_AXIS, Engines.djlMomentum(momentum), EPS, training)
                .singletonOrThrow();
    }

    void register(ChannelPlan plan, boolean privateAffine, NDManager manager) {
        register(plan, privateAffine, null, manager);
    }

    /**
     * Registers {@code plan}; its statistics (and private scale and shift) start as the leading
     * channels of {@code parent}'s, when {@code parent} is registered, else as fresh statistics and
     * the shared scale and shift.
     */
    void register(ChannelPlan plan, boolean privateAffine, ChannelPlan parent, NDManager manager) {
        if (states.containsKey(plan)) {
            return;
        }
        int c = set.width(plan);
        State from = parent == null ? null : states.get(parent);
        NDArray g = null;
        NDArray b = null;
        if (privateAffine) {
            g = sliceCopy(from != null && from.gamma != null ? from.gamma : gamma, c, manager);
            b = sliceCopy(from != null && from.beta != null ? from.beta : beta, c, manager);
        }
        NDArray mean = from != null ? sliceCopy(from.mean, c, manager) : manager.zeros(new Shape(c));
        NDArray var = from != null ? sliceCopy(from.var, c, manager) : manager.ones(new Shape(c));
        mean.setRequiresGradient(false);
        var.setRequiresGradient(false);
        states.put(plan, new State(mean, var, g, b));
    }

    private static NDArray sliceCopy(NDArray full, int c, NDManager manager) {
        NDArray copy;
        try (NDArray view = full.get(new NDIndex().addSliceDim(0, c))) {
            copy = view.duplicate();
        }
        copy.attach(manager);
        copy.setRequiresGradient(true);
        return copy;
    }

    void unregister(ChannelPlan plan) {
        State state = states.remove(plan);
        if (state != null) {
            state.mean.close();
            state.var.close();
            if (state.gamma != null) {
                state.gamma.close();
                state.beta.close();
            }
        }
    }

    void resetStatistics(ChannelPlan plan) {
        State state = states.get(plan);
        state.mean.muli(0f);
        state.var.muli(0f).addi(1f);
        state.calibrationBatches = 0;
    }

    /**
     * Reorders the shared scale and shift and every registered plan's state. A plan using the
     * first {@code c} channels must keep them: {@code order} may only move channels within them.
     */
    @Override
    public void permute(CouplingSet target, int[] order, Permuter permuter) {
        if (!set.equals(target)) {
            return;
        }
        permuter.apply(gamma, 0, order);
        permuter.apply(beta, 0, order);
        for (State state : states.values()) {
            int c = (int) state.mean.size();
            int[] prefix = Permutations.prefix(order, c, name);
            permuter.apply(state.mean, 0, prefix);
            permuter.apply(state.var, 0, prefix);
            if (state.gamma != null) {
                permuter.apply(state.gamma, 0, prefix);
                permuter.apply(state.beta, 0, prefix);
            }
        }
    }

    @Override
    public long macs(ChannelPlan plan) {
        return 0;
    }

    @Override
    public long params(ChannelPlan plan) {
        return 2L * set.width(plan);
    }

    @Override
    public String name() {
        return name;
    }

    public CouplingSet set() {
        return set;
    }

    public NDArray gamma() {
        return gamma;
    }

    public NDArray beta() {
        return beta;
    }

    /** The private state of {@code plan}, or {@code null} if the plan is not registered. */
    public State state(ChannelPlan plan) {
        return states.get(plan);
    }

    public Map<ChannelPlan, State> states() {
        return Collections.unmodifiableMap(states);
    }
}
