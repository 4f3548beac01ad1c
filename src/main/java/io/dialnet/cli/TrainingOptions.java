package io.dialnet.cli;

import io.dialnet.nn.ChannelPlan;
import io.dialnet.train.Strategy;
import io.dialnet.train.TrainConfig;
import java.util.List;
import picocli.CommandLine.Option;

/**
 * The options that become a {@link TrainConfig}; defaults are the recipe of docs/ARCHITECTURE.md,
 * "Reference recipe and measurements" (those of {@link TrainConfig#builder()}).
 */
public final class TrainingOptions {
    @Option(names = "--strategy", defaultValue = "uniform")
    Strategy strategy;

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
    List<ChannelPlan> plans;

    @Option(names = "--min-width")
    Double minWidth;

    @Option(names = "--sandwich", defaultValue = "4")
    int sandwich;

    @Option(names = "--no-distill")
    boolean noDistill;

    @Option(names = "--calibration-batches", defaultValue = "20")
    int calibrationBatches;

    /** The configuration these options ask for, with {@code strategy} (search: individual) and {@code seed}. */
    TrainConfig toConfig(Strategy strategy, long seed) {
        return TrainConfig.builder()
                .setStrategy(strategy)
                .setEpochs(epochs)
                .optBatchSize(batchSize)
                .optLearningRate(lr)
                .optMomentum(momentum)
                .optNesterov(!noNesterov)
                .optWeightDecay(weightDecay)
                .optWarmupEpochs(warmupEpochs)
                .optLabelSmoothing(labelSmoothing)
                .optWidths(widths)
                .optPlans(plans)
                .optMinWidth(minWidth)
                .optSandwich(sandwich)
                .optDistill(!noDistill)
                .optCalibrationBatches(calibrationBatches)
                .optSeed(seed)
                .build();
    }
}
