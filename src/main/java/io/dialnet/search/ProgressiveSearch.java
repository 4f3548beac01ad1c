package io.dialnet.search;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.dialnet.AtomicFiles;
import io.dialnet.data.BatchLoader;
import io.dialnet.data.DataRecipe;
import io.dialnet.nn.ChannelPlan;
import io.dialnet.nn.Complexity;
import io.dialnet.nn.SlimmableNetwork;
import io.dialnet.train.Checkpoint;
import io.dialnet.train.Evaluation;
import io.dialnet.train.Method;
import io.dialnet.train.Sgd;
import io.dialnet.train.Subnet;
import io.dialnet.train.SubnetResult;
import io.dialnet.train.TrainConfig;
import io.dialnet.train.TrainResult;
import io.dialnet.train.Trainer;
import io.dialnet.train.TrainingListener;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The progressive subnetwork search (Yang, He, Cao, Fan; TNNLS 2022), as reconstructed in
 * DESIGN.md section 3: from a trained full-width model, for each target (largest first) rank the
 * previous subnet's channel groups with trainable noise, sample candidates that fit the target,
 * keep the most accurate non-dominated one, fine-tune the shared weights only when it falls more
 * than tau below the previous subnet, and permute channels so it is a prefix; finally train all
 * accepted subnets jointly with switchable BatchNorm and drop any dominated by a neighbour.
 *
 * <p>Output directory: {@code search.jsonl} (every candidate with its MACs, cost, accuracy, whether
 * it was filtered, chosen or fine-tuned), {@code state-K.zip} plus {@code search.json} after the
 * background model and after each accepted subnet (so {@code --resume} continues from the last
 * one), {@code background/} and {@code final/} training runs; {@code final/checkpoint.zip} is a
 * joint-strategy checkpoint that {@code dialnet eval} reads.
 */
public final class ProgressiveSearch {
    public static final String LOG = "search.jsonl";
    public static final String STATE = "search.json";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final SlimmableNetwork network;
    private final SearchConfig config;
    private final DataRecipe.Prepared data;
    private final Path out;
    private final TrainingListener listener;
    private final BatchLoader trainLoader;
    private final BatchLoader validationLoader;

    /** An accepted subnet. */
    public record Accepted(String name, String plan, long macs, double cost, double accuracy, boolean fineTuned)
            implements Pareto.Point {}

    /** What {@code search.json} records: the subnets accepted so far and the state file holding the weights. */
    public record State(List<Accepted> accepted, String weights) {}

    /** A sampled and evaluated candidate. */
    record Candidate(ChannelPlan plan, CutRule rule, long macs, double cost, double accuracy) implements Pareto.Point {}

    /** The outcome: the delivered subnets after final training and filtering, and the final run. */
    public record Result(List<SubnetResult> subnets, List<Accepted> accepted, TrainResult finalTraining) {}

    public ProgressiveSearch(SlimmableNetwork network, SearchConfig config, DataRecipe.Prepared data, Path out,
            TrainingListener listener) {
        if (data.split().validation() == null) {
            throw new IllegalArgumentException("the search chooses subnets on a validation split; --validation must be > 0");
        }
        this.network = network;
        this.config = config;
        this.data = data;
        this.out = out;
        this.listener = listener == null ? TrainingListener.NONE : listener;
        this.trainLoader = data.trainLoader();
        this.validationLoader = data.validationLoader();
    }

    public Result run(boolean resume) {
        TrainConfig recipe = config.recipe();
        ChannelPlan full = network.fullPlan();
        long fullMacs = Complexity.of(network, full).macs();
        CostModel cost = config.latency() ? new MeasuredLatency(network, config.latencyBatch())
                : plan -> Complexity.of(network, plan).macs();
        List<Accepted> accepted = resume ? restore() : null;
        if (accepted == null) {
            accepted = new ArrayList<>();
            trainOrLoadBackground();
            double accuracy = accuracy(full);
            accepted.add(new Accepted("s1", full.toString(), fullMacs, cost.cost(full), accuracy, false));
            log(entry("event", "background", "plan", full.toString(), "macs", fullMacs, "accuracy", accuracy));
            save(accepted);
        }
        for (int k = accepted.size() - 1; k < config.targets().size(); k++) {
            double target = config.targets().get(k);
            double budget = config.latency() ? target : target * fullMacs;
            Accepted previous = accepted.get(accepted.size() - 1);
            ChannelPlan base = ChannelPlan.parse(previous.plan());
            Map<Integer, double[]> importance = NoiseRanking.rank(network, base, trainLoader,
                    data.recipe().augmentation(), recipe.batchSize(), config.ranking(), recipe.seed() + k);
            Map<Integer, double[]> sorted = GroupOrder.sortByImportance(network, base, importance);
            List<CandidateSampler.Sampled> sampled = new CandidateSampler(network).candidates(base, sorted, cost,
                    budget, config.candidates(), recipe.seed() + 31L * k);
            if (sampled.isEmpty()) {
                log(entry("event", "unreachable", "target", target, "budget", budget));
                break;
            }
            List<Candidate> candidates = new ArrayList<>();
            for (CandidateSampler.Sampled s : sampled) {
                network.register(s.plan(), false);
                Evaluation.calibrate(network, s.plan(), trainLoader, recipe.batchSize(), data.recipe().augmentation(),
                        recipe.calibrationBatches());
                candidates.add(new Candidate(s.plan(), s.rule(), Complexity.of(network, s.plan()).macs(),
                        cost.cost(s.plan()), accuracy(s.plan())));
            }
            List<Candidate> kept = Pareto.nonDominated(candidates, accepted);
            Candidate chosen = (kept.isEmpty() ? candidates : kept).stream()
                    .max(java.util.Comparator.comparingDouble(Candidate::accuracy)).orElseThrow();
            for (Candidate c : candidates) {
                log(entry("event", "candidate", "target", target, "rule",
                        c.rule().name().toLowerCase(java.util.Locale.ROOT), "plan", c.plan().toString(), "macs",
                        c.macs(), "cost", c.cost(), "accuracy", c.accuracy(), "filtered", !kept.contains(c), "chosen",
                        c == chosen));
                if (c != chosen) {
                    network.unregister(c.plan());
                }
            }
            double before = chosen.accuracy();
            boolean fineTune = needsFineTuning(previous.accuracy(), before, config.tau());
            String name = "s" + (accepted.size() + 1);
            Accepted next = new Accepted(name, chosen.plan().toString(), chosen.macs(), chosen.cost(), before, fineTune);
            if (fineTune) {
                accepted = fineTune(accepted, next);
                next = accepted.get(accepted.size() - 1);
            } else {
                accepted.add(next);
            }
            log(entry("event", "accept", "name", name, "plan", next.plan(), "macs", next.macs(), "target", target,
                    "accuracy_before", before, "accuracy", next.accuracy(), "fine_tuned", fineTune));
            save(accepted);
        }
        return finish(accepted);
    }

    /** Selective fine-tuning (step 2d): only when the drop from the reference exceeds tau points. */
    static boolean needsFineTuning(double referenceAccuracy, double accuracy, double tauPoints) {
        // accuracies are fractions; the margin absorbs rounding of 0.90 - 0.89 = 0.010000000000000009
        return (referenceAccuracy - accuracy) * 100 > tauPoints + 1e-9;
    }

    private List<Accepted> fineTune(List<Accepted> accepted, Accepted next) {
        List<Accepted> all = new ArrayList<>(accepted);
        all.add(next);
        List<Subnet> subnets = all.stream().map(a -> new Subnet(a.name(), ChannelPlan.parse(a.plan()))).toList();
        TrainConfig ft = config.recipe().joint(all.stream().map(Accepted::plan).toList(), config.fineTuneEpochs(),
                config.fineTuneLearningRate(), false);
        new Trainer(network, ft, Method.joint(subnets, false, false), data, null, listener, 0).train(false);
        List<Accepted> updated = new ArrayList<>();
        for (Accepted a : all) {
            double accuracy = accuracy(ChannelPlan.parse(a.plan()));
            updated.add(new Accepted(a.name(), a.plan(), a.macs(), a.cost(), accuracy,
                    a.fineTuned() || a == next));
        }
        return updated;
    }

    /** Step 3: joint training of all accepted subnets with switchable BatchNorm, then the last filter. */
    private Result finish(List<Accepted> accepted) {
        List<Subnet> subnets = accepted.stream().map(a -> new Subnet(a.name(), ChannelPlan.parse(a.plan()))).toList();
        TrainResult finalRun = null;
        List<SubnetResult> results;
        if (config.finalEpochs() > 0) {
            for (Subnet s : subnets) {
                network.unregister(s.plan());
            }
            TrainConfig joint = config.recipe().joint(accepted.stream().map(Accepted::plan).toList(),
                    config.finalEpochs(), config.finalLearningRate(), true);
            finalRun = new Trainer(network, joint, data, out.resolve("final"), listener, 0).train(true);
            results = finalRun.subnets();
        } else {
            results = Evaluation.evaluate(network, subnets, false, data, config.recipe().batchSize(),
                    config.recipe().calibrationBatches());
        }
        List<SubnetResult> delivered = dropDominated(results);
        log(entry("event", "final", "delivered", delivered.stream().map(SubnetResult::name).toList(),
                "dropped", results.stream().filter(r -> !delivered.contains(r)).map(SubnetResult::name).toList()));
        return new Result(delivered, accepted, finalRun);
    }

    /** The last filtering pass: a subnet is dropped when a smaller one is at least as accurate. */
    static List<SubnetResult> dropDominated(List<SubnetResult> subnets) {
        List<SubnetResult> kept = new ArrayList<>();
        for (SubnetResult s : subnets) {
            boolean dominated = subnets.stream().anyMatch(o -> o != s && o.macs() < s.macs()
                    && o.validationAccuracy() >= s.validationAccuracy());
            if (!dominated) {
                kept.add(s);
            }
        }
        return kept;
    }

    private void trainOrLoadBackground() {
        if (config.background() != null) {
            Checkpoint.load(config.background(), null, network, null);
            if (!network.registeredPlans().containsKey(network.fullPlan())) {
                network.register(network.fullPlan(), false);
                Evaluation.calibrate(network, network.fullPlan(), trainLoader, config.recipe().batchSize(),
                        data.recipe().augmentation(), config.recipe().calibrationBatches());
            }
            return;
        }
        TrainConfig individual = new TrainConfig("individual", config.recipe().epochs(), config.recipe().batchSize(),
                config.recipe().learningRate(), config.recipe().momentum(), config.recipe().nesterov(),
                config.recipe().weightDecay(), config.recipe().warmupEpochs(), config.recipe().labelSmoothing(),
                List.of(), List.of(), config.recipe().minWidth(), config.recipe().sandwich(), false,
                config.recipe().calibrationBatches(), config.recipe().seed());
        new Trainer(network, individual, data, out.resolve("background"), listener, 0).train(true);
    }

    private double accuracy(ChannelPlan plan) {
        return Evaluation.accuracy(network, plan, validationLoader, config.recipe().batchSize());
    }

    // ---- state, for --resume ---------------------------------------------------------------------

    private void save(List<Accepted> accepted) {
        String weights = "state-" + accepted.size() + ".zip";
        TrainConfig recorded = config.recipe().joint(accepted.stream().map(Accepted::plan).toList(), 1,
                config.recipe().learningRate(), false);
        try (Sgd none = new Sgd(0, false, 0, network.manager().getParentManager())) {
            Checkpoint.save(out.resolve(weights), recorded, data.recipe(),
                    new Checkpoint.Progress(0, 0, 0, 0, List.of()), network, none);
        }
        try {
            AtomicFiles.write(out.resolve(STATE), JSON.writerWithDefaultPrettyPrinter()
                    .writeValueAsBytes(new State(accepted, weights)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private List<Accepted> restore() {
        Path file = out.resolve(STATE);
        if (!Files.exists(file)) {
            return null;
        }
        State state;
        try {
            state = JSON.readValue(file.toFile(), State.class);
        } catch (IOException e) {
            throw new IllegalArgumentException(file + " is not a readable search state: " + e.getMessage(), e);
        }
        Checkpoint.load(out.resolve(state.weights()), null, network, null);
        listener.resumed(out.resolve(state.weights()), state.accepted().size());
        return new ArrayList<>(state.accepted());
    }

    /** An ordered log entry from alternating keys and values. */
    private static Map<String, Object> entry(Object... keysAndValues) {
        Map<String, Object> e = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            e.put((String) keysAndValues[i], keysAndValues[i + 1]);
        }
        return e;
    }

    private void log(Map<String, Object> entry) {
        try {
            Files.createDirectories(out);
            try (Writer w = Files.newBufferedWriter(out.resolve(LOG), StandardCharsets.UTF_8,
                    StandardOpenOption.CREATE, StandardOpenOption.APPEND)) {
                w.write(JSON.writeValueAsString(entry));
                w.write('\n');
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot append to " + out.resolve(LOG), e);
        }
    }
}
