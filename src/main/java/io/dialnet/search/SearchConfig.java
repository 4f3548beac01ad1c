package io.dialnet.search;

import io.dialnet.train.TrainConfig;
import java.nio.file.Path;
import java.util.List;

/**
 * How a search runs; recorded with its results. The parts follow the steps of the progressive
 * search (docs/ARCHITECTURE.md, "Methods"): which groups matter ({@link Ranking}), which cuts
 * are tried ({@link Sampling}), which candidate is kept ({@link Filtering}), when the shared
 * weights are fine-tuned ({@link FineTuning}) and how the accepted subnets are trained together
 * at the end ({@link FinalTraining}). Every choice the paper leaves open is a field with its
 * default here.
 *
 * @param targets cost targets, largest first: fractions of full MACs in (0, 1), or latency budgets in ms
 * @param latency whether targets are latency budgets (measured by the caller's cost model) rather
 *     than MACs fractions
 * @param latencyBatch batch size at which latency is measured
 * @param recipe the shared training recipe (batch size, optimiser, seed); its epochs train the
 *     background model when none is given
 * @param background a checkpoint of a trained full-width model to start from, or {@code null}
 */
public record SearchConfig(
        List<Double> targets,
        boolean latency,
        int latencyBatch,
        Sampling sampling,
        Ranking ranking,
        Filtering filtering,
        FineTuning fineTuning,
        FinalTraining finalTraining,
        TrainConfig recipe,
        Path background) {

    public SearchConfig {
        targets = List.copyOf(targets);
        if (targets.isEmpty()) {
            throw new IllegalArgumentException("--targets: at least one target is needed");
        }
        for (int i = 0; i < targets.size(); i++) {
            double t = targets.get(i);
            if (!latency && !(t > 0 && t < 1)) {
                throw new IllegalArgumentException("--targets: MACs fraction " + t + " is not in (0, 1)");
            }
            if (latency && !(t > 0)) {
                throw new IllegalArgumentException("--targets: latency budget " + t + " ms is not positive");
            }
            if (i > 0 && t >= targets.get(i - 1)) {
                throw new IllegalArgumentException("--targets must be strictly decreasing, got " + targets);
            }
        }
        if (latencyBatch < 1) {
            throw new IllegalArgumentException("--latency-batch must be >= 1, got " + latencyBatch);
        }
    }

    /** Settings for {@code targets}; {@link Builder#setRecipe} is required too. */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder holding these settings, to derive others (an arm of a comparison, an ablation). */
    public Builder toBuilder() {
        return new Builder()
                .setTargets(targets)
                .setRecipe(recipe)
                .optLatency(latency, latencyBatch)
                .optSampling(sampling)
                .optRanking(ranking)
                .optFiltering(filtering)
                .optFineTuning(fineTuning)
                .optFinalTraining(finalTraining)
                .optBackground(background);
    }

    /**
     * Builds {@link SearchConfig}: {@link #setTargets} and {@link #setRecipe} are required; each part
     * defaults to its {@code DEFAULT} (the paper's choices, docs/ARCHITECTURE.md, "Methods").
     */
    public static final class Builder {
        private List<Double> targets;
        private TrainConfig recipe;
        private boolean latency;
        private int latencyBatch = 1;
        private Sampling sampling = Sampling.DEFAULT;
        private Ranking ranking = Ranking.DEFAULT;
        private Filtering filtering = Filtering.DEFAULT;
        private FineTuning fineTuning = FineTuning.DEFAULT;
        private FinalTraining finalTraining = FinalTraining.DEFAULT;
        private Path background;

        private Builder() {}

        /** Required: cost targets, largest first (MACs fractions in (0, 1), or latency budgets in ms). */
        public Builder setTargets(List<Double> value) {
            targets = value;
            return this;
        }

        /** Required: the shared training recipe; its epochs train the background when none is given. */
        public Builder setRecipe(TrainConfig value) {
            recipe = value;
            return this;
        }

        /** Whether targets are latency budgets, measured at batch {@code batch} (default: MACs, batch 1). */
        public Builder optLatency(boolean measured, int batch) {
            latency = measured;
            latencyBatch = batch;
            return this;
        }

        /** Channel-group sampling (default {@link Sampling#DEFAULT}). */
        public Builder optSampling(Sampling value) {
            sampling = value;
            return this;
        }

        /** The ranking of channel groups (default {@link Ranking#DEFAULT}: trainable noise). */
        public Builder optRanking(Ranking value) {
            ranking = value;
            return this;
        }

        /** Subnet filtering (default {@link Filtering#DEFAULT}). */
        public Builder optFiltering(Filtering value) {
            filtering = value;
            return this;
        }

        /** Selective fine-tuning (default {@link FineTuning#DEFAULT}). */
        public Builder optFineTuning(FineTuning value) {
            fineTuning = value;
            return this;
        }

        /** The final joint training (default {@link FinalTraining#DEFAULT}). */
        public Builder optFinalTraining(FinalTraining value) {
            finalTraining = value;
            return this;
        }

        /** A checkpoint of a trained full-width model to start from (default none: one is trained). */
        public Builder optBackground(Path checkpoint) {
            background = checkpoint;
            return this;
        }

        /** The settings; an {@link IllegalArgumentException} names the first option out of range. */
        public SearchConfig build() {
            if (targets == null || recipe == null) {
                throw new IllegalArgumentException("--targets and a training recipe are required");
            }
            return new SearchConfig(
                    targets,
                    latency,
                    latencyBatch,
                    sampling,
                    ranking,
                    filtering,
                    fineTuning,
                    finalTraining,
                    recipe,
                    background);
        }
    }

    /**
     * The budget of target {@code k} in the unit of the cost model. MACs budgets get a relative
     * slack of 1e-9 so that a target given as another plan's exact MACs fraction admits that plan.
     */
    public double budget(int k, long fullMacs) {
        double t = targets.get(k);
        return latency ? t : t * fullMacs * (1 + 1e-9);
    }

    /**
     * Channel-group sampling (step 2b).
     *
     * @param candidates candidates sampled per target (M, default 4)
     * @param rules the cut rule of each candidate in turn; the last one repeats (default GLOBAL,
     *     MACS_WEIGHTED, UNIFORM, RANDOM)
     */
    public record Sampling(int candidates, List<CutRule> rules) {
        public static final Sampling DEFAULT =
                new Sampling(4, List.of(CutRule.GLOBAL, CutRule.MACS_WEIGHTED, CutRule.UNIFORM, CutRule.RANDOM));

        public Sampling {
            rules = List.copyOf(rules);
            if (candidates < 1 || candidates > 32) {
                throw new IllegalArgumentException("--candidates: " + candidates + " is not in 1..32");
            }
            if (rules.isEmpty()) {
                throw new IllegalArgumentException("--cut-rules: at least one rule is needed");
            }
        }

        /** The rule of the {@code i}-th attempt. */
        CutRule rule(int i) {
            return rules.get(Math.min(i, rules.size() - 1));
        }
    }

    /**
     * What ranks channel groups (step 2a): the paper's trainable noise, or, for the ablation, the
     * L1 norm of the filters writing a group (Li et al. 2017) or a seeded random order.
     *
     * @param kind the ranking
     * @param noise the noise ranking's settings (used when {@code kind} is NOISE)
     */
    public record Ranking(Kind kind, NoiseRanking.Settings noise) {
        public static final Ranking DEFAULT = new Ranking(Kind.NOISE, NoiseRanking.Settings.DEFAULT);

        /** The rankings {@code search --ranking} offers. */
        public enum Kind {
            NOISE,
            L1,
            RANDOM
        }

        public Ranking withNoise(NoiseRanking.Settings settings) {
            return new Ranking(kind, settings);
        }

        public Ranking withKind(Kind k) {
            return new Ranking(k, noise);
        }
    }

    /**
     * Subnet filtering (step 2c) and the last filter after the final training.
     *
     * @param choiceMargin among the non-dominated candidates, the cheapest one within this many
     *     accuracy points of the most accurate is accepted (default 0: the most accurate)
     * @param lastMargin after the final training, a subnet is dropped only when a cheaper one is
     *     more accurate by at least this many points (default 0.5: about one standard error of a
     *     4,500-image validation accuracy, so noise alone does not drop a subnet)
     */
    public record Filtering(double choiceMargin, double lastMargin) {
        public static final Filtering DEFAULT = new Filtering(0, 0.5);

        public Filtering {
            if (!(choiceMargin >= 0) || !(lastMargin >= 0)) {
                throw new IllegalArgumentException("--choice-margin " + choiceMargin + " and --last-margin "
                        + lastMargin + " must both be >= 0 points");
            }
        }
    }

    /**
     * Selective fine-tuning (step 2d): after a cut, the shared weights are trained on all accepted
     * subnets plus the new one only when its accuracy falls more than {@code tau} points below the
     * reference.
     *
     * @param epochs epochs of each fine-tuning (0 = never fine-tune)
     * @param learningRate its peak learning rate (the paper fine-tunes a converged model at a small rate)
     * @param tau the allowed shortfall, in accuracy points (default 1)
     * @param reference what the new subnet is held against (default LINE)
     * @param pointsPerHalving the slope of the LINE reference: accuracy points given up per halving
     *     of MACs (default 2.5, the PyTorch reference in docs/ARCHITECTURE.md, "Reference recipe
     *     and measurements": ResNet-20 trained alone loses 1.7, 4.9 and 10.9 points at 1/1.78, 1/4
     *     and 1/16 of the MACs, 2.0-2.7 per halving)
     */
    public record FineTuning(
            int epochs, double learningRate, double tau, Reference reference, double pointsPerHalving) {
        public static final FineTuning DEFAULT = new FineTuning(2, 0.01, 1.0, Reference.LINE, 2.5);

        /** The accuracy a new subnet is held against. */
        public enum Reference {
            /** The previous (larger) accepted subnet's accuracy. */
            PREVIOUS,
            /** A line in log MACs from the full model's accuracy down, {@code pointsPerHalving} per halving. */
            LINE
        }

        public FineTuning {
            if (epochs < 0) {
                throw new IllegalArgumentException("--fine-tune-epochs must be >= 0, got " + epochs);
            }
            if (!(learningRate > 0)) {
                throw new IllegalArgumentException("--fine-tune-lr " + learningRate + " must be > 0");
            }
            if (!(tau >= 0)) {
                throw new IllegalArgumentException("--tau: " + tau + " must be >= 0 points");
            }
            if (!(pointsPerHalving >= 0)) {
                throw new IllegalArgumentException("--points-per-halving: " + pointsPerHalving + " must be >= 0");
            }
        }

        /**
         * The reference accuracy of a subnet with {@code macsFraction} of the full MACs.
         *
         * @param full the full model's accuracy (the first accepted subnet)
         * @param previous the previous accepted subnet's accuracy
         */
        public double reference(double full, double previous, double macsFraction) {
            return switch (reference) {
                case PREVIOUS -> previous;
                case LINE -> full - pointsPerHalving / 100 * Math.log(1 / macsFraction) / Math.log(2);
            };
        }

        /** Whether a subnet at {@code accuracy} needs fine-tuning, given its reference accuracy. */
        public boolean needed(double referenceAccuracy, double accuracy) {
            // accuracies are fractions; the margin absorbs rounding of 0.90 - 0.89 = 0.010000000000000009
            return epochs > 0 && (referenceAccuracy - accuracy) * 100 > tau + 1e-9;
        }
    }

    /**
     * The final joint training of all accepted subnets (step 3), with switchable BatchNorm.
     *
     * @param epochs its epochs (0 = none: subnets are only BatchNorm-calibrated)
     * @param learningRate its peak learning rate
     * @param distill whether smaller subnets learn from the largest's soft output instead of the
     *     labels (default false: the paper's summed cross-entropy)
     */
    public record FinalTraining(int epochs, double learningRate, boolean distill) {
        public static final FinalTraining DEFAULT = new FinalTraining(5, 0.02, false);

        public FinalTraining {
            if (epochs < 0) {
                throw new IllegalArgumentException("--final-epochs must be >= 0, got " + epochs);
            }
            if (!(learningRate > 0)) {
                throw new IllegalArgumentException("--final-lr " + learningRate + " must be > 0");
            }
        }
    }
}
