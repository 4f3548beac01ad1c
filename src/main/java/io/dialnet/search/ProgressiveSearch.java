package io.dialnet.search;

import io.dialnet.data.DataRecipe;
import io.dialnet.nn.ChannelPlan;
import io.dialnet.nn.Complexity;
import io.dialnet.nn.SlimmableNetwork;
import io.dialnet.train.Evaluation;
import io.dialnet.train.Method;
import io.dialnet.train.TrainConfig;
import io.dialnet.train.Trainer;
import io.dialnet.train.TrainingListener;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The progressive subnetwork search (Yang, He, Cao, Fan; TNNLS 2022), as reconstructed in
 * DESIGN.md section 3: from a trained full-width model, for each target (largest first) rank the
 * previous subnet's channel groups with trainable noise, sample candidates that fit the target,
 * keep the most accurate non-dominated one, fine-tune the shared weights only when it falls more
 * than tau below the previous subnet, and permute channels so it is a prefix; finally train all
 * accepted subnets jointly with switchable BatchNorm and drop any dominated by a neighbour.
 * Every candidate is logged with its rule, MACs, cost, accuracy, and whether it was filtered,
 * chosen and fine-tuned (see {@link SearchRun} for the output directory).
 */
public final class ProgressiveSearch {
    public static final String METHOD = "progressive";
    private final SearchRun run;

    /** A sampled and evaluated candidate. */
    record Candidate(ChannelPlan plan, CutRule rule, long macs, double cost, double accuracy) implements Pareto.Point {}

    public ProgressiveSearch(SlimmableNetwork network, SearchConfig config, DataRecipe.Prepared data, Path out,
            TrainingListener listener) {
        this.run = new SearchRun(METHOD, network, config, data, out, listener);
    }

    public SearchResult run(boolean resume) {
        SlimmableNetwork network = run.network;
        TrainConfig recipe = run.recipe();
        long fullMacs = Complexity.of(network, network.fullPlan()).macs();
        CostModel cost = run.config.latency() ? new MeasuredLatency(network, run.config.latencyBatch())
                : plan -> Complexity.of(network, plan).macs();
        List<AcceptedSubnet> accepted = run.startOrResume(resume, cost);
        List<Double> targets = run.config.targets();
        for (int k = accepted.size() - 1; k < targets.size(); k++) {
            double target = targets.get(k);
            double budget = run.config.latency() ? target : target * fullMacs;
            AcceptedSubnet previous = accepted.get(accepted.size() - 1);
            ChannelPlan base = ChannelPlan.parse(previous.plan());
            Map<Integer, double[]> importance = NoiseRanking.rank(network, base, run.data.trainLoader(),
                    run.data.recipe().augmentation(), recipe.batchSize(), run.config.ranking(), recipe.seed() + k);
            run.spent((double) run.config.ranking().batches() * recipe.batchSize() * Complexity.of(network, base).macs());
            Map<Integer, double[]> sorted = GroupOrder.sortByImportance(network, base, importance);
            List<CandidateSampler.Sampled> sampled = new CandidateSampler(network).candidates(base, sorted, cost,
                    budget, run.config.candidates(), recipe.seed() + 31L * k);
            if (sampled.isEmpty()) {
                run.log("event", "unreachable", "target", target, "budget", budget);
                break;
            }
            List<Candidate> candidates = new ArrayList<>();
            for (CandidateSampler.Sampled s : sampled) {
                network.register(s.plan(), false);
                Evaluation.calibrate(network, s.plan(), run.data.trainLoader(), recipe.batchSize(),
                        run.data.recipe().augmentation(), recipe.calibrationBatches());
                candidates.add(new Candidate(s.plan(), s.rule(), Complexity.of(network, s.plan()).macs(),
                        cost.cost(s.plan()), run.accuracy(s.plan())));
            }
            List<Candidate> kept = Pareto.nonDominated(candidates, accepted);
            Candidate chosen = (kept.isEmpty() ? candidates : kept).stream()
                    .max(Comparator.comparingDouble(Candidate::accuracy)).orElseThrow();
            for (Candidate c : candidates) {
                run.log("event", "candidate", "target", target, "rule", c.rule().name().toLowerCase(Locale.ROOT),
                        "plan", c.plan().toString(), "macs", c.macs(), "cost", c.cost(), "accuracy", c.accuracy(),
                        "filtered", !kept.contains(c), "chosen", c == chosen);
                if (c != chosen) {
                    network.unregister(c.plan());
                }
            }
            double before = chosen.accuracy();
            boolean fineTune = needsFineTuning(previous.accuracy(), before, run.config.tau());
            AcceptedSubnet next = new AcceptedSubnet("s" + (accepted.size() + 1), chosen.plan().toString(),
                    chosen.macs(), chosen.cost(), before, fineTune);
            if (fineTune) {
                accepted = fineTune(accepted, next);
                next = accepted.get(accepted.size() - 1);
            } else {
                accepted.add(next);
            }
            run.log("event", "accept", "name", next.name(), "plan", next.plan(), "macs", next.macs(), "target", target,
                    "accuracy_before", before, "accuracy", next.accuracy(), "fine_tuned", fineTune);
            run.save(accepted);
        }
        return run.finish(accepted);
    }

    /** Selective fine-tuning (step 2d): only when the drop from the reference exceeds tau points. */
    static boolean needsFineTuning(double referenceAccuracy, double accuracy, double tauPoints) {
        // accuracies are fractions; the margin absorbs rounding of 0.90 - 0.89 = 0.010000000000000009
        return (referenceAccuracy - accuracy) * 100 > tauPoints + 1e-9;
    }

    /** Trains all accepted subnets plus {@code next} jointly, then re-measures every one. */
    private List<AcceptedSubnet> fineTune(List<AcceptedSubnet> accepted, AcceptedSubnet next) {
        List<AcceptedSubnet> all = new ArrayList<>(accepted);
        all.add(next);
        TrainConfig ft = run.recipe().joint(SearchRun.plans(all), run.config.fineTuneEpochs(),
                run.config.fineTuneLearningRate(), false);
        run.spent(new Trainer(run.network, ft, Method.joint(SearchRun.subnets(all), false, false), run.data, null,
                run.listener, 0).train(false));
        List<AcceptedSubnet> updated = new ArrayList<>();
        for (AcceptedSubnet a : all) {
            updated.add(new AcceptedSubnet(a.name(), a.plan(), a.macs(), a.cost(),
                    run.accuracy(ChannelPlan.parse(a.plan())), a.fineTuned() || a == next));
        }
        return updated;
    }
}
