package io.dialnet.train;

import java.util.List;
import java.util.Map;

/**
 * The outcome of a training run and how it was produced.
 *
 * @param method strategy name
 * @param config the full configuration
 * @param subnets every delivered subnet with its size and accuracy, largest first
 * @param trainingCompute images x forward MACs spent on training steps (the cost compared across methods)
 * @param trainingSeconds wall time of training steps, evaluation excluded
 * @param imagesPerSecond mean training throughput
 * @param history per-epoch metrics
 * @param provenance versions, machine and thread count
 */
public record TrainResult(String method, TrainConfig config, List<SubnetResult> subnets, double trainingCompute,
        double trainingSeconds, double imagesPerSecond, List<EpochMetrics> history, Map<String, String> provenance) {}
