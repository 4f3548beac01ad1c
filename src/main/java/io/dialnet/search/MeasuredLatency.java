package io.dialnet.search;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.dialnet.nn.ChannelPlan;
import io.dialnet.nn.Engines;
import io.dialnet.nn.Mode;
import io.dialnet.nn.Pass;
import io.dialnet.nn.SlimmableNetwork;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * Latency of a plan measured on this machine: the median of repeated eval forward passes at a
 * fixed batch size after warm-up, in milliseconds, cached per plan. MACs do not predict latency
 * at small widths (DESIGN.md section 7), so latency targets are met by measurement.
 */
public final class MeasuredLatency implements CostModel {
    private static final int WARMUP = 3;
    private static final int RUNS = 9;

    private final SlimmableNetwork network;
    private final int batchSize;
    private final Map<ChannelPlan, Double> cache = new HashMap<>();

    public MeasuredLatency(SlimmableNetwork network, int batchSize) {
        this.network = network;
        this.batchSize = batchSize;
    }

    @Override
    public double cost(ChannelPlan plan) {
        return cache.computeIfAbsent(plan, this::measure);
    }

    private double measure(ChannelPlan plan) {
        Engines.noGrad();
        boolean temporary = !network.registeredPlans().containsKey(plan);
        if (temporary) {
            network.register(plan, false);
        }
        try (NDManager manager = network.manager().getParentManager().newSubManager()) {
            var spec = network.spec();
            NDArray x = manager.randomNormal(new Shape(batchSize, spec.inputChannels(), spec.inputSize(),
                    spec.inputSize()));
            double[] ms = new double[RUNS];
            for (int i = 0; i < WARMUP + RUNS; i++) {
                try (NDManager run = manager.newSubManager()) {
                    long start = System.nanoTime();
                    network.forward(new Pass(plan, Mode.EVAL, run), x).toFloatArray();
                    if (i >= WARMUP) {
                        ms[i - WARMUP] = (System.nanoTime() - start) / 1e6;
                    }
                }
            }
            Arrays.sort(ms);
            return ms[RUNS / 2];
        } finally {
            if (temporary) {
                network.unregister(plan);
            }
        }
    }
}
