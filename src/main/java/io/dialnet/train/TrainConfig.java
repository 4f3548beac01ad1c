package io.dialnet.train;

import io.dialnet.nn.ChannelPlan;
import java.util.List;

/**
 * Everything that decides how a network is trained; recorded in every checkpoint and result, and
 * checked field by field so a bad value is rejected with its name and the allowed range. Build one
 * with {@link #builder()} (the recipe of docs/ARCHITECTURE.md, "Reference recipe and
 * measurements", unless told otherwise); derive one from another with {@link #toBuilder()}.
 *
 * <p>Checkpoints store it as JSON and a resumed run must match it field by field, so the JSON
 * names and values of its components never change: the strategy is its lower-case name, a plan
 * its {@code "16,8,..."} text.
 *
 * @param strategy how the subnets are trained
 * @param epochs passes over the training split
 * @param batchSize images per step
 * @param learningRate peak learning rate of the cosine schedule
 * @param momentum SGD momentum
 * @param nesterov Nesterov momentum
 * @param weightDecay L2 penalty on convolution and linear weights (not on BatchNorm or biases)
 * @param warmupEpochs epochs of linear warm-up before the cosine decay to 0
 * @param labelSmoothing label smoothing of the cross-entropy of ground-truth terms
 * @param widths width multipliers: the subnets trained (individual: exactly one; joint) or
 *     evaluated (uniform); ignored where {@code plans} is given
 * @param plans explicit channel plans, largest first, used instead of widths
 * @param minWidth smallest width the uniform sandwich samples
 * @param sandwich subnets per step of the uniform strategy: max, min and {@code sandwich - 2} random
 * @param distill in-place distillation: smaller subnets learn from the largest's soft output
 * @param calibrationBatches training batches used to re-estimate BatchNorm statistics
 * @param seed seed of weights, data order, augmentation and width sampling
 */
public record TrainConfig(
        Strategy strategy,
        int epochs,
        int batchSize,
        double learningRate,
        double momentum,
        boolean nesterov,
        double weightDecay,
        double warmupEpochs,
        double labelSmoothing,
        List<Double> widths,
        List<ChannelPlan> plans,
        double minWidth,
        int sandwich,
        boolean distill,
        int calibrationBatches,
        long seed) {

    /** The widths a uniform network is evaluated at, and every width-based comparison made, unless asked otherwise. */
    public static final List<Double> UNIFORM_WIDTHS = List.of(1.0, 0.75, 0.5, 0.25);

    public TrainConfig {
        require(strategy != null, "strategy", "none", "one of " + Strategy.known());
        require(epochs >= 1 && epochs <= 10_000, "epochs", epochs, "1..10000");
        require(batchSize >= 2 && batchSize <= 65_536, "batch-size", batchSize, "2..65536 (BatchNorm needs 2)");
        require(learningRate > 0 && learningRate <= 10, "lr", learningRate, "(0, 10]");
        require(momentum >= 0 && momentum < 1, "momentum", momentum, "[0, 1)");
        require(weightDecay >= 0 && weightDecay < 1, "weight-decay", weightDecay, "[0, 1)");
        require(warmupEpochs >= 0 && warmupEpochs < epochs, "warmup-epochs", warmupEpochs, "[0, epochs)");
        require(labelSmoothing >= 0 && labelSmoothing < 1, "label-smoothing", labelSmoothing, "[0, 1)");
        widths = widths == null ? List.of() : List.copyOf(widths);
        plans = plans == null ? List.of() : List.copyOf(plans);
        for (double w : widths) {
            require(w > 0 && w <= 1, "widths", w, "(0, 1]");
        }
        require(minWidth > 0 && minWidth <= 1, "min-width", minWidth, "(0, 1]");
        require(sandwich >= 2 && sandwich <= 16, "sandwich", sandwich, "2..16");
        require(
                calibrationBatches >= 1 && calibrationBatches <= 10_000,
                "calibration-batches",
                calibrationBatches,
                "1..10000");
        int subnets = plans.isEmpty() ? widths.size() : plans.size();
        require(
                strategy.admits(subnets),
                "widths/plans",
                subnets + " subnets",
                strategy == Strategy.INDIVIDUAL
                        ? "at most one for the individual strategy"
                        : "at least one subnet for the " + strategy + " strategy");
    }

    private static void require(boolean ok, String field, Object value, String allowed) {
        if (!ok) {
            throw new IllegalArgumentException("--" + field + ": " + value + " is not allowed; expected " + allowed);
        }
    }

    /** A configuration of {@code strategy} for {@code epochs} epochs, every other choice at the recipe's default. */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder holding this configuration's values, to derive another (a search phase, an arm). */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.strategy = strategy;
        b.epochs = epochs;
        b.batchSize = batchSize;
        b.learningRate = learningRate;
        b.momentum = momentum;
        b.nesterov = nesterov;
        b.weightDecay = weightDecay;
        b.warmupEpochs = warmupEpochs;
        b.labelSmoothing = labelSmoothing;
        b.widths = widths;
        b.plans = plans;
        b.minWidth = minWidth;
        b.sandwich = sandwich;
        b.distill = distill;
        b.calibrationBatches = calibrationBatches;
        b.seed = seed;
        return b;
    }

    /**
     * Builds a {@link TrainConfig}: {@link #setStrategy} and {@link #setEpochs} are required; every
     * {@code opt} method has the default of docs/ARCHITECTURE.md's reference recipe, named in its
     * description. The record checks every value once, when built.
     */
    public static final class Builder {
        private Strategy strategy;
        private int epochs;
        private int batchSize = 128;
        private double learningRate = 0.1;
        private double momentum = 0.9;
        private boolean nesterov = true;
        private double weightDecay = 5e-4;
        private double warmupEpochs;
        private double labelSmoothing;
        private List<Double> widths;
        private List<ChannelPlan> plans = List.of();
        private Double minWidth;
        private int sandwich = 4;
        private boolean distill = true;
        private int calibrationBatches = 20;
        private long seed = 42;

        private Builder() {}

        /** Required: how the subnets are trained. */
        public Builder setStrategy(Strategy value) {
            strategy = value;
            return this;
        }

        /** Required: passes over the training split. */
        public Builder setEpochs(int value) {
            epochs = value;
            return this;
        }

        /** Images per step (default 128). */
        public Builder optBatchSize(int value) {
            batchSize = value;
            return this;
        }

        /** Peak learning rate of the cosine schedule (default 0.1). */
        public Builder optLearningRate(double value) {
            learningRate = value;
            return this;
        }

        /** SGD momentum (default 0.9). */
        public Builder optMomentum(double value) {
            momentum = value;
            return this;
        }

        /** Nesterov momentum (default on). */
        public Builder optNesterov(boolean value) {
            nesterov = value;
            return this;
        }

        /** L2 penalty on convolution and linear weights (default 5e-4). */
        public Builder optWeightDecay(double value) {
            weightDecay = value;
            return this;
        }

        /** Epochs of linear warm-up (default 0); less than the epochs when built. */
        public Builder optWarmupEpochs(double value) {
            warmupEpochs = value;
            return this;
        }

        /** Label smoothing (default 0). */
        public Builder optLabelSmoothing(double value) {
            labelSmoothing = value;
            return this;
        }

        /**
         * Width multipliers of the subnets (default: {@link #UNIFORM_WIDTHS} for the uniform strategy
         * without plans, else none, which means the full width).
         */
        public Builder optWidths(List<Double> value) {
            widths = value;
            return this;
        }

        /** Explicit channel plans, largest first, instead of widths (default none). */
        public Builder optPlans(List<ChannelPlan> value) {
            plans = value == null ? List.of() : value;
            return this;
        }

        /** Smallest width the uniform sandwich samples (default, or {@code null}: the smallest width, else 0.25). */
        public Builder optMinWidth(Double value) {
            minWidth = value;
            return this;
        }

        /** Subnets per uniform step (default 4: max, min and 2 random). */
        public Builder optSandwich(int value) {
            sandwich = value;
            return this;
        }

        /** In-place distillation from the largest subnet (default on; the individual strategy never distills). */
        public Builder optDistill(boolean value) {
            distill = value;
            return this;
        }

        /** Training batches that re-estimate BatchNorm statistics (default 20). */
        public Builder optCalibrationBatches(int value) {
            calibrationBatches = value;
            return this;
        }

        /** Seed of weights, data order, augmentation and width sampling (default 42). */
        public Builder optSeed(long value) {
            seed = value;
            return this;
        }

        /** The configuration; an {@link IllegalArgumentException} names the first value out of range. */
        public TrainConfig build() {
            List<Double> w = widths != null
                    ? widths
                    : strategy == Strategy.UNIFORM && plans.isEmpty() ? UNIFORM_WIDTHS : List.of();
            double min = minWidth != null
                    ? minWidth
                    : w.stream().mapToDouble(Double::doubleValue).min().orElse(0.25);
            return new TrainConfig(
                    strategy,
                    epochs,
                    batchSize,
                    learningRate,
                    momentum,
                    nesterov,
                    weightDecay,
                    warmupEpochs,
                    labelSmoothing,
                    w,
                    plans,
                    min,
                    sandwich,
                    distill && strategy != null && strategy.canDistill(),
                    calibrationBatches,
                    seed);
        }
    }
}
