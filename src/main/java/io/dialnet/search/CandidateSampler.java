package io.dialnet.search;

import io.dialnet.nn.ChannelPlan;
import io.dialnet.nn.Complexity;
import io.dialnet.nn.CouplingSet;
import io.dialnet.nn.SlimmableNetwork;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Channel-group sampling (TNNLS, step 2b): from a ranked plan, builds candidate plans that fit a
 * cost budget, one per cut rule. A rule defines a path that removes one group at a time; the
 * candidate is the first plan on the path, after at least one cut, within budget. With counted
 * MACs, which fall along every path, it is found by bisection; a measured cost (latency) need not
 * fall, so the path is walked from the start. No set goes below one group, and a candidate is
 * never the plan it was cut from: that plan is already accepted, with its own BatchNorm state.
 */
public final class CandidateSampler {
    private final SlimmableNetwork network;

    public CandidateSampler(SlimmableNetwork network) {
        this.network = network;
    }

    /**
     * Up to {@code sampling.candidates()} distinct candidates strictly nested in {@code plan} with
     * cost at most {@code budget}, each attempt using the next of the sampling's rules (the last
     * repeating; RANDOM draws anew each time). Empty when even one group per set exceeds the budget.
     */
    public List<Sampled> candidates(
            ChannelPlan plan,
            Map<Integer, double[]> sortedImportance,
            CostModel cost,
            double budget,
            SearchConfig.Sampling sampling,
            long seed) {
        Random random = new Random(seed);
        Map<ChannelPlan, Sampled> found = new LinkedHashMap<>();
        int attempts = 0;
        while (found.size() < sampling.candidates() && attempts < sampling.candidates() + 8) {
            CutRule rule = sampling.rule(attempts);
            List<ChannelPlan> path = path(plan, sortedImportance, rule, random);
            ChannelPlan fit = firstWithin(path.subList(1, path.size()), cost, budget);
            if (fit != null) {
                found.putIfAbsent(fit, new Sampled(fit, rule));
            }
            attempts++;
        }
        return new ArrayList<>(found.values());
    }

    /** A candidate and the rule that produced it. */
    public record Sampled(ChannelPlan plan, CutRule rule) {}

    /** The plans a rule passes through, from {@code plan} itself down to one group per set. */
    List<ChannelPlan> path(ChannelPlan plan, Map<Integer, double[]> sortedImportance, CutRule rule, Random random) {
        List<CouplingSet> sets = network.couplingSets();
        double[][] importance = new double[sets.size()][];
        int[] active = new int[sets.size()];
        for (CouplingSet set : sets) {
            importance[set.index()] = sortedImportance.get(set.index());
            active[set.index()] = plan.channels(set.index()) / set.groupSize();
        }
        double[][] jitter = rule == CutRule.RANDOM ? CutRule.jitter(importance, random) : null;
        int[] kept = active.clone();
        List<ChannelPlan> path = new ArrayList<>();
        ChannelPlan current = plan;
        path.add(current);
        while (true) {
            long base = Complexity.of(network, current).macs();
            long[] saved = new long[sets.size()];
            for (CouplingSet set : sets) {
                if (kept[set.index()] > 1) {
                    saved[set.index()] =
                            base - Complexity.of(network, cut(current, set)).macs();
                }
            }
            int s = rule.next(importance, kept, active, saved, jitter);
            if (s < 0) {
                return path;
            }
            kept[s]--;
            current = cut(current, sets.get(s));
            path.add(current);
        }
    }

    private static ChannelPlan cut(ChannelPlan plan, CouplingSet set) {
        int[] c = plan.toArray();
        c[set.index()] -= set.groupSize();
        return ChannelPlan.of(c);
    }

    /** The first plan of a path whose cost is within budget, or {@code null}. */
    static ChannelPlan firstWithin(List<ChannelPlan> path, CostModel cost, double budget) {
        if (path.isEmpty()) {
            return null;
        }
        if (!cost.fallsAlongCuts()) {
            return path.stream().filter(p -> cost.cost(p) <= budget).findFirst().orElse(null);
        }
        int lo = 0;
        int hi = path.size() - 1;
        if (cost.cost(path.get(hi)) > budget) {
            return null;
        }
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (cost.cost(path.get(mid)) <= budget) {
                hi = mid;
            } else {
                lo = mid + 1;
            }
        }
        return path.get(lo);
    }
}
