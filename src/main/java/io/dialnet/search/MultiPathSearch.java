package io.dialnet.search;

import io.dialnet.data.DataRecipe;
import io.dialnet.nn.ChannelPlan;
import io.dialnet.nn.Complexity;
import io.dialnet.nn.SlimmableNetwork;
import io.dialnet.train.Method;
import io.dialnet.train.TrainConfig;
import io.dialnet.train.TrainingListener;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Multi-path non-uniform subnet generation (Yang et al., DAC 2020; named "multi-path" in ASP-DAC
 * 2021), as its abstracts describe it: every subnet gets its own training path. For each target,
 * the shared model is retrained on every subnet found so far with a group-lasso penalty on channel
 * groups ({@code retrain-K/}, a full training run by default), the last subnet's groups are ranked
 * by weight norm, permuted into that order and cut until the target is met; after the last cut
 * the final joint training retrains all subnets together with switchable BatchNorm. The cost grows
 * with the number of subnets: about one training run each.
 *
 * <p>Weight norms differ in scale between layers (a layer with more inputs has larger filters), so
 * groups are compared within their coupling set ({@link CutRule#PER_SET}): the lasso drives a
 * layer's unneeded groups towards zero relative to that layer's others.
 */
public final class MultiPathSearch {
    private final SearchRun run;
    private final double lassoWeight;
    private final int epochsPerSubnet;

    /**
     * @param lassoWeight weight of the group-lasso penalty (sum of group L2 norms)
     * @param epochsPerSubnet epochs of each subnet's retraining before its cut (DAC: a full run)
     */
    public MultiPathSearch(
            SlimmableNetwork network,
            SearchConfig config,
            DataRecipe.Prepared data,
            Path out,
            TrainingListener listener,
            double lassoWeight,
            int epochsPerSubnet) {
        if (!(lassoWeight >= 0) || epochsPerSubnet < 1) {
            throw new IllegalArgumentException("--lasso must be >= 0 and --epochs-per-subnet >= 1");
        }
        this.run = new SearchRun(SearchMethod.MULTIPATH, network, config, data, out, listener);
        this.lassoWeight = lassoWeight;
        this.epochsPerSubnet = epochsPerSubnet;
    }

    public SearchResult run(boolean resume) {
        CostModel macs = CostModel.macs(run.network);
        List<AcceptedSubnet> accepted = run.startOrResume(resume, macs);
        List<Double> targets = run.config.targets();
        for (int k = run.targetsDone(); k < targets.size(); k++) {
            retrainWithLasso(k, accepted);
            ChannelPlan last = accepted.get(accepted.size() - 1).plan();
            ChannelPlan cut = cut(last, macs, run.config.budget(k, run.fullMacs()));
            if (cut == null) {
                run.log("event", "unreachable", "target", targets.get(k));
            } else {
                accepted.add(accept(cut, macs, "s" + (accepted.size() + 1), targets.get(k)));
            }
            run.save(accepted, k + 1, null);
        }
        return run.finish(accepted);
    }

    /** Retrains every subnet so far with the group lasso ({@code retrain-K/}, resumable), before cut K. */
    private void retrainWithLasso(int k, List<AcceptedSubnet> accepted) {
        TrainConfig sparse = run.joint(
                SearchRun.plans(accepted), epochsPerSubnet, run.recipe().learningRate(), false);
        Method method =
                Method.joint(SearchRun.subnets(accepted), false, false).withRegularizer(GroupNorms.lasso(lassoWeight));
        run.train("retrain-" + (k + 1), sparse, method);
    }

    /**
     * The groups of {@code base} ranked by weight norm, permuted into that order and cut within
     * their coupling set until the cost fits {@code budget}; {@code null} when no cut does.
     */
    private ChannelPlan cut(ChannelPlan base, CostModel macs, double budget) {
        SlimmableNetwork network = run.network;
        Map<Integer, double[]> sorted =
                GroupOrder.sortByImportance(network, base, GroupNorms.importance(network, base));
        List<ChannelPlan> path = new CandidateSampler(network).path(base, sorted, CutRule.PER_SET, null);
        return CandidateSampler.firstWithin(path.subList(1, path.size()), macs, budget);
    }

    /** {@code cut} calibrated, validated and logged as the subnet {@code name} for {@code target}. */
    private AcceptedSubnet accept(ChannelPlan cut, CostModel macs, String name, double target) {
        run.calibrate(cut);
        AcceptedSubnet next = new AcceptedSubnet(
                name, cut, Complexity.of(run.network, cut).macs(), macs.cost(cut), run.accuracy(cut), false);
        run.log(
                "event",
                "accept",
                "name",
                next.name(),
                "plan",
                next.plan(),
                "macs",
                next.macs(),
                "target",
                target,
                "accuracy",
                next.accuracy());
        return next;
    }
}
