package io.dialnet.search;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import io.dialnet.nn.ChannelPlan;
import io.dialnet.nn.CouplingSet;
import io.dialnet.nn.Layer;
import io.dialnet.nn.SlimConv2d;
import io.dialnet.nn.SlimLinear;
import io.dialnet.nn.SlimmableNetwork;
import io.dialnet.train.Regularizer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;

/**
 * The L2 norm of each channel group: the filters of every convolution and linear layer that
 * writes the group's channels. As a penalty (group lasso, DAC 2020) it drives whole groups
 * towards zero; as a ranking, small-norm groups are cut first.
 */
final class GroupNorms {
    private GroupNorms() {}

    /** {@code lambda * sum over groups of ||group||_2}, over the full-width weights. */
    static Regularizer lasso(double lambda) {
        return (network, scratch) -> {
            NDArray total = null;
            for (CouplingSet set : network.couplingSets()) {
                NDArray norms =
                        squaredNorms(network, set, scratch).add(1e-12f).sqrt().sum();
                total = total == null ? norms : total.add(norms);
            }
            return total.mul((float) lambda); // a double would promote the 0-d sum to float64
        };
    }

    /** The L2 norm of every active group of {@code plan}, per set index, in channel order. */
    static Map<Integer, double[]> importance(SlimmableNetwork network, ChannelPlan plan) {
        return perGroup(
                network,
                plan,
                (set, scratch) -> squaredNorms(network, set, scratch).sqrt());
    }

    /**
     * The L1 norm (sum of absolute weights) of the filters writing every active group of
     * {@code plan}: the magnitude criterion of Li et al. (2017), the ranking ablation's baseline.
     */
    static Map<Integer, double[]> l1(SlimmableNetwork network, ChannelPlan plan) {
        return perGroup(network, plan, (set, scratch) -> {
            NDArray sum = null;
            for (NDArray weight : writers(network, set)) {
                NDArray grouped = weight.reshape(set.groups(), -1);
                grouped.attach(scratch);
                NDArray part = grouped.abs().sum(new int[] {1});
                sum = sum == null ? part : sum.add(part);
            }
            return sum;
        });
    }

    private static Map<Integer, double[]> perGroup(
            SlimmableNetwork network, ChannelPlan plan, BiFunction<CouplingSet, NDManager, NDArray> norm) {
        Map<Integer, double[]> out = new LinkedHashMap<>();
        try (NDManager scratch = network.manager().getParentManager().newSubManager()) {
            for (CouplingSet set : network.couplingSets()) {
                float[] all = norm.apply(set, scratch).toFloatArray();
                double[] norms = new double[plan.channels(set.index()) / set.groupSize()];
                for (int g = 0; g < norms.length; g++) {
                    norms[g] = all[g];
                }
                out.put(set.index(), norms);
            }
        }
        return out;
    }

    /** Per group of {@code set}, the sum of squares of the weights writing it: shape [groups]. */
    private static NDArray squaredNorms(SlimmableNetwork network, CouplingSet set, NDManager scratch) {
        NDArray sum = null;
        for (NDArray weight : writers(network, set)) {
            NDArray grouped = weight.reshape(set.groups(), -1);
            grouped.attach(scratch);
            NDArray part = grouped.square().sum(new int[] {1});
            sum = sum == null ? part : sum.add(part);
        }
        return sum;
    }

    private static List<NDArray> writers(SlimmableNetwork network, CouplingSet set) {
        List<NDArray> weights = new ArrayList<>();
        for (Layer layer : network.layers()) {
            if (layer instanceof SlimConv2d conv && conv.out().equals(set)) {
                weights.add(conv.weight());
            } else if (layer instanceof SlimLinear linear && linear.out().equals(set)) {
                weights.add(linear.weight());
            }
        }
        return weights;
    }
}
