package io.dialnet.train;

import java.util.List;
import java.util.Map;

/**
 * The outcome of a training run and how it was produced.
 *
 * @param method strategy name
 * @param config the full configuration
 * @param subnets every delivered subnet with its size and accuracy, largest first
 * @param trainingCompute images x forward MACs of the training steps ({@link Compute#of} turns it into
 *     forward-and-backward cost)
 * @param calibrationCompute images x forward MACs of the BatchNorm calibration before the final
 *     evaluation (methods that calibrate), part of the method's cost
 * @param trainingSeconds wall time of training steps, evaluation excluded
 * @param imagesPerSecond mean training throughput
 * @param history per-epoch metrics
 * @param provenance versions, machine and thread count
 */
public record TrainResult(
        String method,
        TrainConfig config,
        List<SubnetResult> subnets,
        double trainingCompute,
        double calibrationCompute,
        double trainingSeconds,
        double imagesPerSecond,
        List<EpochMetrics> history,
        Map<String, String> provenance) {

    /** What the run spent, by phase. */
    public Compute compute() {
        return Compute.of(this);
    }
}
