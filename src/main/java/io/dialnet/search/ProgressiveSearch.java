package io.dialnet.search;

import io.dialnet.data.DataRecipe;
import io.dialnet.nn.ChannelPlan;
import io.dialnet.nn.Complexity;
import io.dialnet.nn.CouplingSet;
import io.dialnet.nn.SlimmableNetwork;
import io.dialnet.train.Compute;
import io.dialnet.train.Method;
import io.dialnet.train.TrainConfig;
import io.dialnet.train.TrainingListener;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Random;

/**
 * The progressive subnetwork search (Yang, He, Cao, Fan; TNNLS 2022), as reconstructed in
 * docs/ARCHITECTURE.md, "Methods": from a trained full-width model, for each target (largest
 * first) rank the previous subnet's channel groups, sample candidates that fit the target with
 * several cut rules, keep the best candidate no accepted subnet dominates, fine-tune the shared
 * weights only when it falls more than tau below the reference, and permute channels so it is a
 * prefix; finally train all accepted subnets jointly with switchable BatchNorm and drop any a
 * smaller one clearly beats. Every candidate is logged with its rule, MACs, cost, accuracy, and
 * whether it was filtered, chosen and fine-tuned (see {@link SearchRun} for the output directory).
 */
public final class ProgressiveSearch {
    private final SearchRun run;
    private final CostModel cost;

    /** A sampled and evaluated candidate. */
    record Candidate(ChannelPlan plan, CutRule rule, long macs, double cost, double accuracy) implements Pareto.Point {}

    /** A search whose targets are MACs fractions (counted), or latency budgets measured by {@code latency}. */
    public ProgressiveSearch(
            SlimmableNetwork network,
            SearchConfig config,
            DataRecipe.Prepared data,
            Path out,
            TrainingListener listener,
            CostModel latency) {
        if (config.latency() && latency == null) {
            throw new IllegalArgumentException("latency targets need a latency cost model");
        }
        this.run = new SearchRun(SearchMethod.PROGRESSIVE, network, config, data, out, listener);
        this.cost = config.latency() ? latency : CostModel.macs(network);
    }

    /** A search whose targets are MACs fractions. */
    public ProgressiveSearch(
            SlimmableNetwork network,
            SearchConfig config,
            DataRecipe.Prepared data,
            Path out,
            TrainingListener listener) {
        this(network, config, data, out, listener, null);
    }

    public SearchResult run(boolean resume) {
        List<AcceptedSubnet> accepted = run.startOrResume(resume, cost);
        List<Double> targets = run.config.targets();
        if (run.pending() != null) {
            accepted = fineTune(accepted, run.pending(), run.targetsDone());
        }
        for (int k = run.targetsDone(); k < targets.size(); k++) {
            Optional<AcceptedSubnet> next = cut(accepted, k);
            if (next.isEmpty()) {
                run.save(accepted, k + 1, null);
                continue;
            }
            AcceptedSubnet chosen = next.get();
            double reference = run.config
                    .fineTuning()
                    .reference(
                            accepted.get(0).accuracy(),
                            accepted.get(accepted.size() - 1).accuracy(),
                            (double) chosen.macs() / run.fullMacs());
            boolean fineTune = run.config.fineTuning().needed(reference, chosen.accuracy());
            run.log(
                    "event",
                    "decide",
                    "name",
                    chosen.name(),
                    "target",
                    targets.get(k),
                    "accuracy",
                    chosen.accuracy(),
                    "reference",
                    reference,
                    "fine_tune",
                    fineTune);
            if (fineTune) {
                run.save(accepted, k, chosen);
                accepted = fineTune(accepted, chosen, k);
            } else {
                accepted.add(chosen);
                logAccept(chosen, chosen.accuracy(), targets.get(k));
                run.save(accepted, k + 1, null);
            }
        }
        return run.finish(accepted);
    }

    /**
     * Steps 2a-2c and 2e for target {@code k}: rank the last accepted subnet's groups, put them in
     * rank order, sample candidates within the budget, calibrate and validate each, and choose one.
     * Empty when no candidate fits or every candidate is dominated by an accepted subnet.
     */
    private Optional<AcceptedSubnet> cut(List<AcceptedSubnet> accepted, int k) {
        SlimmableNetwork network = run.network;
        TrainConfig recipe = run.recipe();
        double target = run.config.targets().get(k);
        double budget = run.config.budget(k, run.fullMacs());
        ChannelPlan base = accepted.get(accepted.size() - 1).plan();
        Map<Integer, double[]> importance = rank(base, recipe.seed() + k);
        Map<Integer, double[]> sorted = GroupOrder.sortByImportance(network, base, importance);
        List<CandidateSampler.Sampled> sampled = new CandidateSampler(network)
                .candidates(base, sorted, cost, budget, run.config.sampling(), recipe.seed() + 31L * k);
        if (sampled.isEmpty()) {
            run.log("event", "unreachable", "target", target, "budget", budget);
            return Optional.empty();
        }
        List<Candidate> candidates = measure(sampled);
        Optional<Candidate> chosen =
                Pareto.choose(candidates, accepted, run.config.filtering().choiceMargin());
        List<Candidate> kept = Pareto.nonDominated(candidates, accepted);
        logAndUnregister(candidates, kept, chosen, target);
        if (chosen.isEmpty()) {
            run.log(
                    "event",
                    "filtered",
                    "target",
                    target,
                    "reason",
                    "every candidate is dominated by an accepted subnet");
            return Optional.empty();
        }
        Candidate c = chosen.get();
        return Optional.of(
                new AcceptedSubnet("s" + (accepted.size() + 1), c.plan(), c.macs(), c.cost(), c.accuracy(), false));
    }

    /** Each sampled plan BatchNorm-calibrated and validated, with its MACs and cost. */
    private List<Candidate> measure(List<CandidateSampler.Sampled> sampled) {
        SlimmableNetwork network = run.network;
        List<Candidate> candidates = new ArrayList<>();
        for (CandidateSampler.Sampled s : sampled) {
            if (network.registeredPlans().containsKey(s.plan())) {
                throw new IllegalStateException("candidate " + s.plan() + " is an accepted subnet");
            }
            run.calibrate(s.plan());
            candidates.add(new Candidate(
                    s.plan(),
                    s.rule(),
                    Complexity.of(network, s.plan()).macs(),
                    cost.cost(s.plan()),
                    run.accuracy(s.plan())));
        }
        return candidates;
    }

    /** Logs every candidate with its fate; all but the chosen one leave the network. */
    private void logAndUnregister(
            List<Candidate> candidates, List<Candidate> kept, Optional<Candidate> chosen, double target) {
        for (Candidate c : candidates) {
            run.log(
                    "event",
                    "candidate",
                    "target",
                    target,
                    "rule",
                    c.rule().name().toLowerCase(Locale.ROOT),
                    "plan",
                    c.plan().toString(),
                    "macs",
                    c.macs(),
                    "cost",
                    c.cost(),
                    "accuracy",
                    c.accuracy(),
                    "filtered",
                    !kept.contains(c),
                    "chosen",
                    chosen.isPresent() && c == chosen.get());
            if (chosen.isEmpty() || c != chosen.get()) {
                run.network.unregister(c.plan());
            }
        }
    }

    /** Step 2a: importance of each active group of {@code base}, per coupling set, in channel order. */
    private Map<Integer, double[]> rank(ChannelPlan base, long seed) {
        SlimmableNetwork network = run.network;
        SearchConfig.Ranking ranking = run.config.ranking();
        return switch (ranking.kind()) {
            case NOISE -> {
                long start = System.nanoTime();
                NoiseRanking.Result r = NoiseRanking.rank(
                        network,
                        base,
                        run.data.trainLoader(),
                        run.data.recipe().augmentation(),
                        run.recipe().batchSize(),
                        ranking.noise(),
                        seed);
                run.spent(Compute.ranking(
                        r.images(), Complexity.of(network, base).macs(), (System.nanoTime() - start) / 1e9));
                run.log(
                        "event",
                        "ranked",
                        "ranking",
                        "noise",
                        "batches",
                        r.batches(),
                        "images",
                        r.images(),
                        "importance",
                        r.importance());
                yield r.importance();
            }
            case L1 -> logged(ranking.kind(), GroupNorms.l1(network, base));
            case RANDOM -> logged(ranking.kind(), randomImportance(network, base, seed));
        };
    }

    /** Logs a ranking's importances (per coupling set index, in channel order), for its users and ours. */
    private Map<Integer, double[]> logged(SearchConfig.Ranking.Kind kind, Map<Integer, double[]> importance) {
        run.log("event", "ranked", "ranking", kind.name().toLowerCase(Locale.ROOT), "importance", importance);
        return importance;
    }

    /** A seeded random importance per group: the ranking ablation's floor. */
    static Map<Integer, double[]> randomImportance(SlimmableNetwork network, ChannelPlan plan, long seed) {
        Random random = new Random(seed);
        Map<Integer, double[]> importance = new LinkedHashMap<>();
        for (CouplingSet set : network.couplingSets()) {
            importance.put(
                    set.index(),
                    random.doubles(plan.channels(set.index()) / set.groupSize()).toArray());
        }
        return importance;
    }

    /**
     * Step 2d: trains all accepted subnets plus {@code next} jointly (summed cross-entropy, shared
     * scale and shift, private statistics), checkpointing every epoch in {@code finetune-K/}, then
     * re-measures every one.
     */
    private List<AcceptedSubnet> fineTune(List<AcceptedSubnet> accepted, AcceptedSubnet next, int k) {
        List<AcceptedSubnet> all = new ArrayList<>(accepted);
        all.add(next);
        SearchConfig.FineTuning ft = run.config.fineTuning();
        TrainConfig config = run.joint(SearchRun.plans(all), ft.epochs(), ft.learningRate(), false);
        run.train("finetune-" + (k + 1), config, Method.joint(SearchRun.subnets(all), false, false));
        List<AcceptedSubnet> updated = new ArrayList<>();
        for (AcceptedSubnet a : all) {
            updated.add(new AcceptedSubnet(
                    a.name(), a.plan(), a.macs(), a.cost(), run.accuracy(a.plan()), a.fineTuned() || a == next));
        }
        AcceptedSubnet done = updated.get(updated.size() - 1);
        logAccept(done, next.accuracy(), run.config.targets().get(k));
        run.save(updated, k + 1, null);
        return updated;
    }

    private void logAccept(AcceptedSubnet a, double before, double target) {
        run.log(
                "event",
                "accept",
                "name",
                a.name(),
                "plan",
                a.plan(),
                "macs",
                a.macs(),
                "target",
                target,
                "accuracy_before",
                before,
                "accuracy",
                a.accuracy(),
                "fine_tuned",
                a.fineTuned());
    }
}
