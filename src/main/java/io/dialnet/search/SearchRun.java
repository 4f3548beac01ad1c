package io.dialnet.search;

import io.dialnet.AtomicFiles;
import io.dialnet.Json;
import io.dialnet.JsonLines;
import io.dialnet.data.DataRecipe;
import io.dialnet.nn.ChannelPlan;
import io.dialnet.nn.Complexity;
import io.dialnet.nn.SlimmableNetwork;
import io.dialnet.train.Checkpoint;
import io.dialnet.train.Compute;
import io.dialnet.train.Evaluation;
import io.dialnet.train.Method;
import io.dialnet.train.Sgd;
import io.dialnet.train.Strategy;
import io.dialnet.train.Subnet;
import io.dialnet.train.SubnetResult;
import io.dialnet.train.TrainConfig;
import io.dialnet.train.TrainResult;
import io.dialnet.train.Trainer;
import io.dialnet.train.TrainingListener;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What every search method shares: the background model, the log, the resumable state, validation
 * with its cost, and the final joint training with the last filter.
 *
 * <p>Output directory: {@code search.jsonl} (one JSON line per event), {@code state-K.zip} and
 * {@code search.json} (rewritten after each accepted subnet, and before a fine-tuning starts, so
 * {@code --resume} continues from there), {@code background/}, one directory per training phase
 * ({@code finetune-K/}, {@code retrain-K/}: each checkpoints every epoch and resumes) and
 * {@code final/}; {@code final/checkpoint.zip} is a joint-strategy checkpoint that {@code dialnet eval} reads.
 */
final class SearchRun {
    static final String LOG = "search.jsonl";
    static final String STATE = "search.json";

    /**
     * What {@code search.json} records.
     *
     * @param targetsDone targets handled so far (accepted, unreachable or filtered out)
     * @param pending a subnet chosen for the next target whose fine-tuning had started, or {@code null}
     */
    record State(
            SearchMethod method,
            List<AcceptedSubnet> accepted,
            String weights,
            Compute compute,
            int targetsDone,
            AcceptedSubnet pending) {}

    final SlimmableNetwork network;
    final SearchConfig config;
    final DataRecipe.Prepared data;
    final Path out;
    final TrainingListener listener;
    private final SearchMethod method;
    /** What the phases so far spent (kept in the state, so a resumed search counts all). */
    private Compute compute = Compute.NONE;

    private int targetsDone;
    private AcceptedSubnet pending;

    SearchRun(
            SearchMethod method,
            SlimmableNetwork network,
            SearchConfig config,
            DataRecipe.Prepared data,
            Path out,
            TrainingListener listener) {
        if (data.split().validation() == null) {
            throw new IllegalArgumentException(
                    "a search chooses subnets on a validation split; --validation must be > 0");
        }
        this.method = method;
        this.network = network;
        this.config = config;
        this.data = data;
        this.out = out;
        this.listener = listener == null ? TrainingListener.NONE : listener;
    }

    /** Records a phase's cost. */
    void spent(Compute cost) {
        compute = compute.plus(cost);
    }

    Compute compute() {
        return compute;
    }

    int targetsDone() {
        return targetsDone;
    }

    /** The subnet whose fine-tuning a previous run started, or {@code null}. */
    AcceptedSubnet pending() {
        return pending;
    }

    TrainConfig recipe() {
        return config.recipe();
    }

    long fullMacs() {
        return Complexity.of(network, network.fullPlan()).macs();
    }

    /**
     * Trains {@code method} under {@code phaseConfig} in the output directory's {@code phase}
     * sub-directory, resuming from its checkpoint if a previous run was interrupted there, and
     * counts its cost.
     */
    TrainResult train(String phase, TrainConfig phaseConfig, Method phaseMethod) {
        TrainResult result =
                new Trainer(network, phaseConfig, phaseMethod, data, out.resolve(phase), listener, 0).train(true);
        spent(result.compute());
        return result;
    }

    /** The accepted subnets of a previous run of this search (weights restored), or a fresh start. */
    List<AcceptedSubnet> startOrResume(boolean resume, CostModel cost) {
        List<AcceptedSubnet> accepted = resume ? restore() : null;
        if (accepted != null) {
            return accepted;
        }
        accepted = new ArrayList<>();
        trainOrLoadBackground();
        ChannelPlan full = network.fullPlan();
        long macs = Complexity.of(network, full).macs();
        double accuracy = accuracy(full);
        accepted.add(new AcceptedSubnet("s1", full, macs, cost.cost(full), accuracy, false));
        log("event", "background", "plan", full.toString(), "macs", macs, "accuracy", accuracy);
        save(accepted);
        return accepted;
    }

    /** Validation accuracy of {@code plan} with its current statistics; the pass counts as evaluation. */
    double accuracy(ChannelPlan plan) {
        long start = System.nanoTime();
        double accuracy = Evaluation.accuracy(network, plan, data.validationLoader(), recipe().batchSize());
        spent(Compute.forward(
                data.split().validation().size(),
                Complexity.of(network, plan).macs(),
                false,
                (System.nanoTime() - start) / 1e9));
        return accuracy;
    }

    /** Registers {@code plan} (shared scale and shift) and re-estimates its BatchNorm statistics. */
    void calibrate(ChannelPlan plan) {
        long start = System.nanoTime();
        network.register(plan, false);
        Evaluation.calibrate(
                network,
                plan,
                data.trainLoader(),
                recipe().batchSize(),
                data.recipe().augmentation(),
                recipe().calibrationBatches());
        long images = (long) Math.min(
                        recipe().calibrationBatches(), data.split().train().size() / recipe().batchSize())
                * recipe().batchSize();
        spent(Compute.forward(images, Complexity.of(network, plan).macs(), true, (System.nanoTime() - start) / 1e9));
    }

    static List<Subnet> subnets(List<AcceptedSubnet> accepted) {
        return accepted.stream().map(a -> new Subnet(a.name(), a.plan())).toList();
    }

    static List<ChannelPlan> plans(List<AcceptedSubnet> accepted) {
        return accepted.stream().map(AcceptedSubnet::plan).toList();
    }

    /**
     * The recipe as joint training of {@code plans} (switchable BatchNorm, summed losses) for
     * {@code epochs} at peak rate {@code learningRate}: the searches' fine-tuning, retraining and
     * final phases. Checkpoints of these phases resume only with this exact configuration.
     */
    TrainConfig joint(List<ChannelPlan> plans, int epochs, double learningRate, boolean distill) {
        TrainConfig recipe = recipe();
        return recipe.toBuilder()
                .setStrategy(Strategy.JOINT)
                .setEpochs(epochs)
                .optLearningRate(learningRate)
                .optWarmupEpochs(Math.min(recipe.warmupEpochs(), epochs - 1))
                .optWidths(List.of())
                .optPlans(plans)
                .optDistill(distill)
                .build();
    }

    /** Joint training of all accepted subnets with switchable BatchNorm, then the last filter. */
    SearchResult finish(List<AcceptedSubnet> accepted) {
        List<Subnet> subnets = subnets(accepted);
        TrainResult finalRun = null;
        List<SubnetResult> results;
        SearchConfig.FinalTraining last = config.finalTraining();
        if (last.epochs() > 0) {
            for (Subnet s : subnets) {
                network.unregister(s.plan());
            }
            TrainConfig joint = joint(plans(accepted), last.epochs(), last.learningRate(), last.distill());
            finalRun = train("final", joint, Method.of(joint, network));
            results = finalRun.subnets();
        } else {
            results = Evaluation.evaluate(
                    network, subnets, false, data, recipe().batchSize(), recipe().calibrationBatches());
        }
        List<SubnetResult> delivered = dropDominated(results, config.filtering().lastMargin());
        log(
                "event",
                "final",
                "delivered",
                delivered.stream().map(SubnetResult::name).toList(),
                "dropped",
                results.stream()
                        .filter(r -> !delivered.contains(r))
                        .map(SubnetResult::name)
                        .toList());
        return new SearchResult(delivered, accepted, finalRun, compute);
    }

    /**
     * The last filtering pass: a subnet is dropped when a smaller one is more accurate by at least
     * {@code marginPoints} (0 = at least as accurate), so that validation noise alone drops nothing.
     */
    static List<SubnetResult> dropDominated(List<SubnetResult> subnets, double marginPoints) {
        List<SubnetResult> kept = new ArrayList<>();
        for (SubnetResult s : subnets) {
            boolean dominated = subnets.stream()
                    .anyMatch(o -> o != s
                            && o.macs() < s.macs()
                            && o.validationAccuracy() >= s.validationAccuracy() + marginPoints / 100);
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
                calibrate(network.fullPlan());
            }
            return;
        }
        // the recipe's schedule for the full width alone
        TrainConfig individual = recipe().toBuilder()
                .setStrategy(Strategy.INDIVIDUAL)
                .optWidths(List.of())
                .optPlans(List.of())
                .optDistill(false)
                .build();
        train("background", individual, Method.of(individual, network));
    }

    // ---- state, for --resume ---------------------------------------------------------------------

    /** Saves the accepted subnets after {@code done} targets, with no fine-tuning under way. */
    void save(List<AcceptedSubnet> accepted) {
        save(accepted, targetsDone, null);
    }

    /**
     * Saves the network and the search's progress: {@code done} targets handled, and
     * {@code fineTuning} (or {@code null}) the subnet whose fine-tuning starts next.
     */
    void save(List<AcceptedSubnet> accepted, int done, AcceptedSubnet fineTuning) {
        targetsDone = done;
        pending = fineTuning;
        List<AcceptedSubnet> all = new ArrayList<>(accepted);
        if (fineTuning != null) {
            all.add(fineTuning);
        }
        String weights = "state-" + all.size() + ".zip";
        TrainConfig recorded = joint(plans(all), 1, recipe().learningRate(), false);
        try (Sgd none = new Sgd(0, false, 0, network.manager().getParentManager())) {
            Checkpoint.save(
                    out.resolve(weights),
                    recorded,
                    data.recipe(),
                    new Checkpoint.Progress(0, 0, 0, 0, List.of(), null),
                    network,
                    none);
        }
        try {
            AtomicFiles.write(
                    out.resolve(STATE),
                    Json.PRETTY.writeValueAsBytes(new State(method, accepted, weights, compute, done, fineTuning)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private List<AcceptedSubnet> restore() {
        Path file = out.resolve(STATE);
        if (!Files.exists(file)) {
            return null;
        }
        State state;
        try {
            state = Json.MAPPER.readValue(file.toFile(), State.class);
        } catch (IOException e) {
            throw new IllegalArgumentException(file + " is not a readable search state: " + e.getMessage(), e);
        }
        if (!method.equals(state.method())) {
            throw new IllegalArgumentException(file + " belongs to a " + state.method() + " search, not " + method);
        }
        Checkpoint.load(out.resolve(state.weights()), null, network, null);
        compute = state.compute();
        targetsDone = state.targetsDone();
        pending = state.pending();
        listener.resumed(out.resolve(state.weights()), state.accepted().size());
        return new ArrayList<>(state.accepted());
    }

    /** Appends one ordered JSON line of alternating keys and values to {@code search.jsonl}. */
    void log(Object... keysAndValues) {
        Map<String, Object> entry = new LinkedHashMap<>();
        entry.put("method", method);
        for (int i = 0; i < keysAndValues.length; i += 2) {
            entry.put((String) keysAndValues[i], keysAndValues[i + 1]);
        }
        JsonLines.append(out.resolve(LOG), entry);
    }
}
