package io.dialnet.cli;

import io.dialnet.train.TrainConfig;
import java.util.List;
import picocli.CommandLine.Option;

/**
 * The options that become a {@link TrainConfig}; defaults are the recipe of docs/ARCHITECTURE.md,
 * "Reference recipe and measurements".
 */
public final class TrainingOptions {
    @Option(
            names = "--strategy",
            defaultValue = "uniform",
            description = "individual, uniform (US-Nets) or joint (S-Nets style) (default: ${DEFAULT-VALUE}).")
    String strategy;

    @Option(names = "--epochs", defaultValue = "15", description = "Epochs (default: ${DEFAULT-VALUE}).")
    int epochs;

    @Option(names = "--batch-size", defaultValue = "128", description = "Images per step (default: ${DEFAULT-VALUE}).")
    int batchSize;

    @Option(names = "--lr", defaultValue = "0.1", description = "Peak learning rate (default: ${DEFAULT-VALUE}).")
    double lr;

    @Option(names = "--momentum", defaultValue = "0.9", description = "SGD momentum (default: ${DEFAULT-VALUE}).")
    double momentum;

    @Option(names = "--no-nesterov", description = "Plain instead of Nesterov momentum.")
    boolean noNesterov;

    @Option(
            names = "--weight-decay",
            defaultValue = "5e-4",
            description = "Weight decay, not on BatchNorm or biases (default: ${DEFAULT-VALUE}).")
    double weightDecay;

    @Option(
            names = "--warmup-epochs",
            defaultValue = "0",
            description = "Linear warm-up epochs before the cosine decay (default: ${DEFAULT-VALUE}).")
    double warmupEpochs;

    @Option(
            names = "--label-smoothing",
            defaultValue = "0",
            description = "Label smoothing (default: ${DEFAULT-VALUE}).")
    double labelSmoothing;

    static final List<Double> DEFAULT_UNIFORM_WIDTHS = List.of(1.0, 0.75, 0.5, 0.25);

    @Option(
            names = "--widths",
            split = ",",
            paramLabel = "W",
            description =
                    "Width multipliers: the subnets trained (individual: one; joint) or evaluated (uniform; default 1.0,0.75,0.5,0.25).")
    List<Double> widths;

    @Option(
            names = "--plans",
            split = ";",
            paramLabel = "PLAN",
            description = "Explicit channel plans instead of widths, e.g. '16,8,16,...;8,4,8,...' (largest first).")
    List<String> plans;

    @Option(
            names = "--min-width",
            defaultValue = "0",
            description = "Smallest width the uniform sandwich trains (default: the smallest of --widths, else 0.25).")
    double minWidth;

    @Option(
            names = "--sandwich",
            defaultValue = "4",
            description = "Subnets per uniform step: max, min and N-2 random widths (default: ${DEFAULT-VALUE}).")
    int sandwich;

    @Option(names = "--no-distill", description = "No in-place distillation from the largest subnet.")
    boolean noDistill;

    @Option(
            names = "--calibration-batches",
            defaultValue = "20",
            description = "Batches used to re-estimate BatchNorm statistics (default: ${DEFAULT-VALUE}).")
    int calibrationBatches;

    TrainConfig toConfig(long seed) {
        List<Double> w = widths != null
                ? widths
                : strategy.equalsIgnoreCase("uniform") && plans == null ? DEFAULT_UNIFORM_WIDTHS : List.of();
        double min = minWidth > 0
                ? minWidth
                : w.stream().mapToDouble(Double::doubleValue).min().orElse(0.25);
        boolean distill = !noDistill && !strategy.equalsIgnoreCase("individual");
        return new TrainConfig(
                strategy,
                epochs,
                batchSize,
                lr,
                momentum,
                !noNesterov,
                weightDecay,
                warmupEpochs,
                labelSmoothing,
                w,
                plans,
                min,
                sandwich,
                distill,
                calibrationBatches,
                seed);
    }
}
