package io.dialnet.search;

import io.dialnet.train.TrainConfig;
import java.nio.file.Path;
import java.util.List;

/**
 * How the progressive search runs; recorded with its results.
 *
 * @param targets cost targets, largest first: fractions of full MACs in (0, 1), or latency budgets in ms
 * @param latency whether targets are latency budgets (measured here) rather than MACs fractions
 * @param latencyBatch batch size at which latency is measured
 * @param candidates candidates sampled per target (M)
 * @param tau fine-tune when a subnet's validation accuracy falls more than this many points below
 *     the previous subnet's
 * @param ranking how channel groups are ranked
 * @param recipe the shared training recipe (batch size, optimiser, seed); its epochs train the
 *     background model when none is given
 * @param background a checkpoint of a trained full-width model to start from, or {@code null}
 * @param fineTuneEpochs epochs of each selective fine-tuning
 * @param fineTuneLearningRate peak learning rate of fine-tuning
 * @param finalEpochs epochs of the final joint training (0 = none)
 * @param finalLearningRate peak learning rate of the final joint training
 */
public record SearchConfig(List<Double> targets, boolean latency, int latencyBatch, int candidates, double tau,
        NoiseRanking.Settings ranking, TrainConfig recipe, Path background, int fineTuneEpochs,
        double fineTuneLearningRate, int finalEpochs, double finalLearningRate) {

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
        if (candidates < 1 || candidates > 32) {
            throw new IllegalArgumentException("--candidates: " + candidates + " is not in 1..32");
        }
        if (!(tau >= 0)) {
            throw new IllegalArgumentException("--tau: " + tau + " must be >= 0 points");
        }
        if (!(fineTuneLearningRate > 0) || !(finalLearningRate > 0)) {
            throw new IllegalArgumentException("--fine-tune-lr " + fineTuneLearningRate + " and --final-lr "
                    + finalLearningRate + " must both be > 0");
        }
        if (latencyBatch < 1 || fineTuneEpochs < 0 || finalEpochs < 0) {
            throw new IllegalArgumentException("--latency-batch must be >= 1 and epochs >= 0");
        }
    }

    /** These settings starting from the trained full-width model in {@code checkpoint}. */
    public SearchConfig withBackground(Path checkpoint) {
        return new SearchConfig(targets, latency, latencyBatch, candidates, tau, ranking, recipe, checkpoint,
                fineTuneEpochs, fineTuneLearningRate, finalEpochs, finalLearningRate);
    }
}
