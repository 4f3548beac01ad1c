package io.dialnet.train;

import java.util.List;
import java.util.Locale;

/**
 * Everything that decides how a network is trained; recorded in every checkpoint and result, and
 * checked field by field so a bad value is rejected with its name and the allowed range.
 *
 * @param strategy {@code individual}, {@code uniform} (US-Nets) or {@code joint} (S-Nets style)
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
 * @param plans explicit channel plans ({@code "16,8,..."}), largest first, used instead of widths
 * @param minWidth smallest width the uniform sandwich samples
 * @param sandwich subnets per step of the uniform strategy: max, min and {@code sandwich - 2} random
 * @param distill in-place distillation: smaller subnets learn from the largest's soft output
 * @param calibrationBatches training batches used to re-estimate BatchNorm statistics
 * @param seed seed of weights, data order, augmentation and width sampling
 */
public record TrainConfig(
        String strategy,
        int epochs,
        int batchSize,
        double learningRate,
        double momentum,
        boolean nesterov,
        double weightDecay,
        double warmupEpochs,
        double labelSmoothing,
        List<Double> widths,
        List<String> plans,
        double minWidth,
        int sandwich,
        boolean distill,
        int calibrationBatches,
        long seed) {

    public static final List<String> STRATEGIES = List.of("individual", "uniform", "joint");
    /** The widths a uniform network is evaluated at, and every width-based comparison made, unless asked otherwise. */
    public static final List<Double> UNIFORM_WIDTHS = List.of(1.0, 0.75, 0.5, 0.25);

    public TrainConfig {
        strategy = strategy == null ? "" : strategy.toLowerCase(Locale.ROOT);
        require(STRATEGIES.contains(strategy), "strategy", strategy, "one of " + STRATEGIES);
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
        if (strategy.equals("individual")) {
            require(subnets <= 1, "widths/plans", subnets + " subnets", "at most one for the individual strategy");
        } else {
            require(subnets >= 1, "widths/plans", "none", "at least one subnet for the " + strategy + " strategy");
        }
    }

    private static void require(boolean ok, String field, Object value, String allowed) {
        if (!ok) {
            throw new IllegalArgumentException("--" + field + ": " + value + " is not allowed; expected " + allowed);
        }
    }

    /** The recipe of docs/ARCHITECTURE.md ("Reference recipe and measurements") for a strategy and widths. */
    public static TrainConfig recipe(String strategy, int epochs, List<Double> widths) {
        return new TrainConfig(
                strategy,
                epochs,
                128,
                0.1,
                0.9,
                true,
                5e-4,
                0,
                0,
                widths,
                List.of(),
                widths.stream().mapToDouble(Double::doubleValue).min().orElse(0.25),
                4,
                true,
                20,
                42);
    }

    public TrainConfig withEpochs(int n) {
        return new TrainConfig(
                strategy,
                n,
                batchSize,
                learningRate,
                momentum,
                nesterov,
                weightDecay,
                Math.min(warmupEpochs, n - 1),
                labelSmoothing,
                widths,
                plans,
                minWidth,
                sandwich,
                distill,
                calibrationBatches,
                seed);
    }

    /** This recipe as joint training of {@code plans} for {@code n} epochs at peak rate {@code lr}. */
    public TrainConfig joint(List<String> jointPlans, int n, double lr, boolean withDistillation) {
        return new TrainConfig(
                "joint",
                n,
                batchSize,
                lr,
                momentum,
                nesterov,
                weightDecay,
                Math.min(warmupEpochs, n - 1),
                labelSmoothing,
                List.of(),
                jointPlans,
                minWidth,
                sandwich,
                withDistillation,
                calibrationBatches,
                seed);
    }

    /**
     * This recipe's schedule and optimiser for another strategy and widths (the uniform sandwich's
     * smallest width becomes the smallest of {@code newWidths}).
     */
    public TrainConfig withStrategy(String newStrategy, List<Double> newWidths, boolean withDistillation) {
        double min = newWidths.stream().mapToDouble(Double::doubleValue).min().orElse(minWidth);
        return new TrainConfig(
                newStrategy,
                epochs,
                batchSize,
                learningRate,
                momentum,
                nesterov,
                weightDecay,
                warmupEpochs,
                labelSmoothing,
                newWidths,
                List.of(),
                min,
                sandwich,
                withDistillation,
                calibrationBatches,
                seed);
    }

    /** This recipe for {@code newStrategy} on explicit {@code newPlans}, without distillation. */
    public TrainConfig withPlans(String newStrategy, List<String> newPlans) {
        return new TrainConfig(
                newStrategy,
                epochs,
                batchSize,
                learningRate,
                momentum,
                nesterov,
                weightDecay,
                warmupEpochs,
                labelSmoothing,
                List.of(),
                newPlans,
                minWidth,
                sandwich,
                false,
                calibrationBatches,
                seed);
    }

    public TrainConfig withBatchSize(int n) {
        return new TrainConfig(
                strategy,
                epochs,
                n,
                learningRate,
                momentum,
                nesterov,
                weightDecay,
                warmupEpochs,
                labelSmoothing,
                widths,
                plans,
                minWidth,
                sandwich,
                distill,
                calibrationBatches,
                seed);
    }

    public TrainConfig withSeed(long s) {
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
                widths,
                plans,
                minWidth,
                sandwich,
                distill,
                calibrationBatches,
                s);
    }
}
