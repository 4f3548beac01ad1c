package io.dialnet.train;

import java.util.Map;

/**
 * What one epoch did; written as one JSON line to {@code metrics.jsonl}.
 *
 * @param epoch 1-based epoch number
 * @param step optimiser steps so far
 * @param learningRate the rate at the epoch's last step
 * @param loss mean training loss of the first (largest) subnet
 * @param trainAccuracy training accuracy of the first subnet on augmented batches
 * @param imagesPerSecond training images per second, loading included, evaluation excluded
 * @param seconds wall time of the epoch's training steps
 * @param validation validation accuracy per subnet, or {@code null} when not evaluated this epoch
 */
public record EpochMetrics(
        int epoch,
        long step,
        double learningRate,
        double loss,
        double trainAccuracy,
        double imagesPerSecond,
        double seconds,
        Map<String, Double> validation) {}
