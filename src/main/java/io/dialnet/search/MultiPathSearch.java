package io.dialnet.search;

import io.dialnet.data.DataRecipe;
import io.dialnet.nn.ChannelPlan;
import io.dialnet.nn.Complexity;
import io.dialnet.nn.SlimmableNetwork;
import io.dialnet.train.Method;
import io.dialnet.train.TrainConfig;
import io.dialnet.train.Trainer;
import io.dialnet.train.TrainingListener;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Multi-path non-uniform subnet generation (Yang et al., DAC 2020), as reconstructed in DESIGN.md
 * section 3: for each target, train the shared model jointly on every subnet found so far with a
 * group-lasso penalty on channel groups, rank the last subnet's groups by weight norm, permute them
 * into that order and cut the weakest until the target is met. After the last cut all subnets are
 * trained jointly with switchable BatchNorm. Cost: about one training run per subnet.
 */
public final class MultiPathSearch {
    public static final String METHOD = "multipath";
    private final SearchRun run;
    private final double lassoWeight;
    private final int epochsPerSubnet;

    /**
     * @param lassoWeight weight of the group-lasso penalty (sum of group L2 norms)
     * @param epochsPerSubnet epochs of sparsity training before each cut
     */
    public MultiPathSearch(SlimmableNetwork network, SearchConfig config, DataRecipe.Prepared data, Path out,
            TrainingListener listener, double lassoWeight, int epochsPerSubnet) {
        if (!(lassoWeight >= 0) || epochsPerSubnet < 1) {
            throw new IllegalArgumentException("--lasso must be >= 0 and --epochs-per-subnet >= 1");
        }
        this.run = new SearchRun(METHOD, network, config, data, out, listener);
        this.lassoWeight = lassoWeight;
        this.epochsPerSubnet = epochsPerSubnet;
    }

    public SearchResult run(boolean resume) {
        SlimmableNetwork network = run.network;
        long fullMacs = Complexity.of(network, network.fullPlan()).macs();
        CostModel macs = plan -> Complexity.of(network, plan).macs();
        List<AcceptedSubnet> accepted = run.startOrResume(resume, macs);
        List<Double> targets = run.config.targets();
        for (int k = accepted.size() - 1; k < targets.size(); k++) {
            TrainConfig sparse = run.recipe().joint(SearchRun.plans(accepted), epochsPerSubnet,
                    run.recipe().learningRate(), false);
            Method method = Method.joint(SearchRun.subnets(accepted), false, false)
                    .withRegularizer(GroupNorms.lasso(lassoWeight));
            run.spent(new Trainer(network, sparse, method, run.data, null, run.listener, 0).train(false));
            ChannelPlan base = ChannelPlan.parse(accepted.get(accepted.size() - 1).plan());
            Map<Integer, double[]> sorted = GroupOrder.sortByImportance(network, base,
                    GroupNorms.importance(network, base));
            List<ChannelPlan> path = new CandidateSampler(network).path(base, sorted, CutRule.GLOBAL, null);
            ChannelPlan cut = CandidateSampler.firstWithin(path, macs, targets.get(k) * fullMacs);
            if (cut == null) {
                run.log("event", "unreachable", "target", targets.get(k));
                break;
            }
            network.register(cut, false);
            io.dialnet.train.Evaluation.calibrate(network, cut, run.data.trainLoader(), run.recipe().batchSize(),
                    run.data.recipe().augmentation(), run.recipe().calibrationBatches());
            AcceptedSubnet next = new AcceptedSubnet("s" + (accepted.size() + 1), cut.toString(),
                    Complexity.of(network, cut).macs(), macs.cost(cut), run.accuracy(cut), false);
            accepted.add(next);
            run.log("event", "accept", "name", next.name(), "plan", next.plan(), "macs", next.macs(), "target",
                    targets.get(k), "accuracy", next.accuracy());
            run.save(accepted);
        }
        return run.finish(accepted);
    }
}
