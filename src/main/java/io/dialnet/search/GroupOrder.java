package io.dialnet.search;

import ai.djl.ndarray.NDArray;
import io.dialnet.nn.ChannelPlan;
import io.dialnet.nn.CouplingSet;
import io.dialnet.nn.SlimmableNetwork;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.IntStream;

/**
 * Puts each coupling set's active channel groups in order of importance (TNNLS, step 2e), so that
 * keeping the {@code n} most important groups is keeping a prefix: every later cut is then a
 * plain channel plan, nested in the previous one.
 */
final class GroupOrder {
    private GroupOrder() {}

    /**
     * Permutes the first {@code plan.channels(s)} channels of every set by descending importance and
     * returns the importances in the new order. Channels beyond the plan (used only by larger,
     * already accepted subnets) stay where they are, so those subnets keep their channels.
     */
    static Map<Integer, double[]> sortByImportance(
            SlimmableNetwork network, ChannelPlan plan, Map<Integer, double[]> importance) {
        return sortByImportance(network, plan, importance, Map.of());
    }

    /** As above, also reordering {@code mirrors} (an optimiser's momentum, by parameter name) mid-training. */
    static Map<Integer, double[]> sortByImportance(
            SlimmableNetwork network,
            ChannelPlan plan,
            Map<Integer, double[]> importance,
            Map<String, NDArray> mirrors) {
        Map<Integer, double[]> sorted = new LinkedHashMap<>();
        for (CouplingSet set : network.couplingSets()) {
            double[] imp = importance.get(set.index());
            int g = set.groupSize();
            Integer[] groups = IntStream.range(0, imp.length).boxed().toArray(Integer[]::new);
            Arrays.sort(groups, Comparator.comparingDouble((Integer j) -> -imp[j]));
            int[] order = IntStream.range(0, set.channels()).toArray();
            double[] now = new double[imp.length];
            for (int i = 0; i < groups.length; i++) {
                now[i] = imp[groups[i]];
                for (int k = 0; k < g; k++) {
                    order[i * g + k] = groups[i] * g + k;
                }
            }
            network.permute(set, order, mirrors);
            sorted.put(set.index(), now);
        }
        return sorted;
    }
}
