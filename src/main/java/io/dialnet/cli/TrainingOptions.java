package io.dialnet.cli;

import io.dialnet.train.TrainConfig;
import java.util.List;
import picocli.CommandLine.Option;

/**
 * The options that become a {@link TrainConfig}; defaults are the recipe of docs/ARCHITECTURE.md,
 * "Reference recipe and measurements".
 */
public final class TrainingOptions {
    @Option(names = "--strategy", defaultValue = "uniform")
    String strategy;

    @Option(names = "--epochs", defaultValue = "15")
    int epochs;

    @Option(names = "--batch-size", defaultValue = "128")
    int batchSize;

    @Option(names = "--lr", defaultValue = "0.1")
    double lr;

    @Option(names = "--momentum", defaultValue = "0.9")
    double momentum;

    @Option(names = "--no-nesterov")
    boolean noNesterov;

    @Option(names = "--weight-decay", defaultValue = "5e-4")
    double weightDecay;

    @Option(names = "--warmup-epochs", defaultValue = "0")
    double warmupEpochs;

    @Option(names = "--label-smoothing", defaultValue = "0")
    double labelSmoothing;

    @Option(names = "--widths", split = ",", paramLabel = "W")
    List<Double> widths;

    @Option(names = "--plans", split = ";", paramLabel = "PLAN")
    List<String> plans;

    @Option(names = "--min-width", defaultValue = "0")
    double minWidth;

    @Option(names = "--sandwich", defaultValue = "4")
    int sandwich;

    @Option(names = "--no-distill")
    boolean noDistill;

    @Option(names = "--calibration-batches", defaultValue = "20")
    int calibrationBatches;

    TrainConfig toConfig(long seed) {
        List<Double> w = widths != null
                ? widths
                : strategy.equalsIgnoreCase("uniform") && plans == null ? TrainConfig.UNIFORM_WIDTHS : List.of();
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
