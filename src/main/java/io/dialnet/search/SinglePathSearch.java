package io.dialnet.search;

import io.dialnet.data.DataRecipe;
import io.dialnet.nn.ChannelPlan;
import io.dialnet.nn.Complexity;
import io.dialnet.nn.SlimmableNetwork;
import io.dialnet.train.EpochHook;
import io.dialnet.train.Method;
import io.dialnet.train.Subnet;
import io.dialnet.train.SubnetResult;
import io.dialnet.train.TrainConfig;
import io.dialnet.train.TrainResult;
import io.dialnet.train.Trainer;
import io.dialnet.train.TrainingListener;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Single-path subnet generation (Yang et al., ASP-DAC 2021), as reconstructed in
 * docs/ARCHITECTURE.md, "Methods": one training run of the full model with a group-lasso penalty;
 * at epochs {@code e_1 < ... < e_K} the last subnet's groups are ranked by weight norm (compared
 * within their coupling set, as in {@link MultiPathSearch}), permuted (momentum included) into
 * that order and cut to target {@code t_k}; the plan is frozen and its loss joins every later
 * step. Every subnet has switchable BatchNorm from the step it joins (its own scale, shift and
 * statistics, started from the shared ones), as in the other methods' joint training, so its
 * statistics are its own without calibration. Cost: about one training run.
 */
public final class SinglePathSearch {
    private final SearchRun run;
    private final double lassoWeight;

    public SinglePathSearch(
            SlimmableNetwork network,
            SearchConfig config,
            DataRecipe.Prepared data,
            Path out,
            TrainingListener listener,
            double lassoWeight) {
        if (!(lassoWeight >= 0)) {
            throw new IllegalArgumentException("--lasso must be >= 0");
        }
        checkRoomToFreeze(config);
        this.run = new SearchRun(SearchMethod.SINGLEPATH, network, config, data, out, listener);
        this.lassoWeight = lassoWeight;
    }

    /** Each subnet is frozen at its own epoch and still trained afterwards: epochs must exceed targets. */
    public static void checkRoomToFreeze(SearchConfig config) {
        if (config.recipe().epochs() <= config.targets().size()) {
            throw new IllegalArgumentException(
                    "--epochs " + config.recipe().epochs() + " leaves no room for single-path " + "to freeze "
                            + config.targets().size() + " subnets at distinct epochs before the end");
        }
    }

    /** Epoch after which subnet k (0-based) is frozen: evenly spaced, the last well before the end. */
    static int freezeEpoch(int k, int targets, int epochs) {
        return Math.max(k + 1, (int) Math.round((double) epochs * (k + 1) / (targets + 1)));
    }

    public SearchResult run(boolean resume) {
        SlimmableNetwork network = run.network;
        List<ChannelPlan> current = new ArrayList<>(List.of(network.fullPlan()));
        Subnet full = new Subnet("s1", network.fullPlan());
        Method method = new Method(
                SearchMethod.SINGLEPATH.id(),
                random -> List.copyOf(current),
                List.of(full),
                true,
                false,
                false,
                GroupNorms.lasso(lassoWeight));
        TrainConfig config = run.joint(
                List.of(full.plan()), run.recipe().epochs(), run.recipe().learningRate(), false);
        EpochHook freeze = new Freezer(current, config.epochs());
        TrainResult result = new Trainer(network, config, method, run.data, run.out.resolve("train"), run.listener, 0)
                .onEpochEnd(freeze)
                .train(resume);
        List<AcceptedSubnet> accepted = new ArrayList<>();
        for (SubnetResult r : result.subnets()) {
            accepted.add(new AcceptedSubnet(
                    r.name(), ChannelPlan.of(r.channels()), r.macs(), r.macs(), r.validationAccuracy(), false));
        }
        List<SubnetResult> delivered =
                SearchRun.dropDominated(result.subnets(), run.config.filtering().lastMargin());
        run.log(
                "event",
                "final",
                "delivered",
                delivered.stream().map(SubnetResult::name).toList());
        return new SearchResult(delivered, accepted, result, result.compute());
    }

    /**
     * After each epoch: at subnet k's freeze epoch, ranks the last subnet's groups by weight norm,
     * permutes them into that order and freezes the cut that meets target k as the next subnet.
     */
    private final class Freezer implements EpochHook {
        private final List<ChannelPlan> current;
        private final int epochs;
        private final int targets = run.config.targets().size();

        Freezer(List<ChannelPlan> current, int epochs) {
            this.current = current;
            this.epochs = epochs;
        }

        @Override
        public void afterEpoch(int epoch, Control control) {
            int k = control.subnets().size() - 1;
            if (k >= targets || epoch != freezeEpoch(k, targets, epochs)) {
                return;
            }
            SlimmableNetwork network = run.network;
            long fullMacs = Complexity.of(network, network.fullPlan()).macs();
            ChannelPlan base = current.get(current.size() - 1);
            Map<Integer, double[]> sorted = GroupOrder.sortByImportance(
                    network,
                    base,
                    GroupNorms.importance(network, base),
                    control.sgd().state());
            List<ChannelPlan> path = new CandidateSampler(network).path(base, sorted, CutRule.PER_SET, null);
            ChannelPlan cut = CandidateSampler.firstWithin(
                    path.subList(1, path.size()), CostModel.macs(network), run.config.budget(k, fullMacs));
            if (cut == null) {
                run.log("event", "unreachable", "target", run.config.targets().get(k), "epoch", epoch);
                return;
            }
            Subnet subnet = new Subnet("s" + (k + 2), cut);
            control.addSubnet(subnet);
            current.add(cut);
            run.log(
                    "event",
                    "freeze",
                    "name",
                    subnet.name(),
                    "plan",
                    cut.toString(),
                    "macs",
                    Complexity.of(network, cut).macs(),
                    "target",
                    run.config.targets().get(k),
                    "epoch",
                    epoch);
        }

        @Override
        public void restored(List<Subnet> subnets) {
            current.clear();
            subnets.forEach(s -> current.add(s.plan()));
        }
    }
}
