package io.dialnet.search;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.dialnet.JsonLines;
import io.dialnet.AtomicFiles;
import io.dialnet.data.DataRecipe;
import io.dialnet.nn.ChannelPlan;
import io.dialnet.nn.Complexity;
import io.dialnet.nn.SlimmableNetwork;
import io.dialnet.train.Checkpoint;
import io.dialnet.train.Evaluation;
import io.dialnet.train.Sgd;
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
 * What every search method shares: the background model, the log, the resumable state after each
 * accepted subnet, validation, and the final joint training with the last filter.
 *
 * <p>Output directory: {@code search.jsonl} (one JSON line per event), {@code state-K.zip} and
 * {@code search.json} (rewritten after each accepted subnet, so {@code --resume} continues from
 * the last one), {@code background/} and {@code final/} training runs; {@code final/checkpoint.zip}
 * is a joint-strategy checkpoint that {@code dialnet eval} reads.
 */
final class SearchRun {
    static final String LOG = "search.jsonl";
    static final String STATE = "search.json";
    private static final ObjectMapper JSON = new ObjectMapper();

    /** What {@code search.json} records. */
    record State(String method, List<AcceptedSubnet> accepted, String weights, double compute) {}

    final SlimmableNetwork network;
    final SearchConfig config;
    final DataRecipe.Prepared data;
    final Path out;
    final TrainingListener listener;
    private final String method;
    /** Images x MACs spent by the training phases so far (kept in the state, so a resumed search counts all). */
    private double compute;

    SearchRun(String method, SlimmableNetwork network, SearchConfig config, DataRecipe.Prepared data, Path out,
            TrainingListener listener) {
        if (data.split().validation() == null) {
            throw new IllegalArgumentException("a search chooses subnets on a validation split; --validation must be > 0");
        }
        this.method = method;
        this.network = network;
        this.config = config;
        this.data = data;
        this.out = out;
        this.listener = listener == null ? TrainingListener.NONE : listener;
    }

    /** Records a training phase's cost. */
    TrainResult spent(TrainResult result) {
        compute += result.trainingCompute();
        return result;
    }

    /** Records the cost of forward-backward passes that are not a training run (noise ranking). */
    void spent(double imagesTimesMacs) {
        compute += imagesTimesMacs;
    }

    double compute() {
        return compute;
    }

    TrainConfig recipe() {
        return config.recipe();
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
        accepted.add(new AcceptedSubnet("s1", full.toString(), macs, cost.cost(full), accuracy, false));
        log("event", "background", "plan", full.toString(), "macs", macs, "accuracy", accuracy);
        save(accepted);
        return accepted;
    }

    double accuracy(ChannelPlan plan) {
        return Evaluation.accuracy(network, plan, data.validationLoader(), recipe().batchSize());
    }

    static List<Subnet> subnets(List<AcceptedSubnet> accepted) {
        return accepted.stream().map(a -> new Subnet(a.name(), ChannelPlan.parse(a.plan()))).toList();
    }

    static List<String> plans(List<AcceptedSubnet> accepted) {
        return accepted.stream().map(AcceptedSubnet::plan).toList();
    }

    /** Joint training of all accepted subnets with switchable BatchNorm, then the last filter. */
    SearchResult finish(List<AcceptedSubnet> accepted) {
        List<Subnet> subnets = subnets(accepted);
        TrainResult finalRun = null;
        List<SubnetResult> results;
        if (config.finalEpochs() > 0) {
            for (Subnet s : subnets) {
                network.unregister(s.plan());
            }
            TrainConfig joint = recipe().joint(plans(accepted), config.finalEpochs(), config.finalLearningRate(), true);
            finalRun = spent(new Trainer(network, joint, data, out.resolve("final"), listener, 0).train(true));
            results = finalRun.subnets();
        } else {
            results = Evaluation.evaluate(network, subnets, false, data, recipe().batchSize(),
                    recipe().calibrationBatches());
        }
        List<SubnetResult> delivered = dropDominated(results);
        log("event", "final", "delivered", delivered.stream().map(SubnetResult::name).toList(), "dropped",
                results.stream().filter(r -> !delivered.contains(r)).map(SubnetResult::name).toList());
        return new SearchResult(delivered, accepted, finalRun, compute);
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
                Evaluation.calibrate(network, network.fullPlan(), data.trainLoader(), recipe().batchSize(),
                        data.recipe().augmentation(), recipe().calibrationBatches());
            }
            return;
        }
        TrainConfig individual = recipe().withStrategy("individual", List.of(), false);
        spent(new Trainer(network, individual, data, out.resolve("background"), listener, 0).train(true));
    }

    // ---- state, for --resume ---------------------------------------------------------------------

    void save(List<AcceptedSubnet> accepted) {
        String weights = "state-" + accepted.size() + ".zip";
        TrainConfig recorded = recipe().joint(plans(accepted), 1, recipe().learningRate(), false);
        try (Sgd none = new Sgd(0, false, 0, network.manager().getParentManager())) {
            Checkpoint.save(out.resolve(weights), recorded, data.recipe(),
                    new Checkpoint.Progress(0, 0, 0, 0, List.of(), null), network, none);
        }
        try {
            AtomicFiles.write(out.resolve(STATE), JSON.writerWithDefaultPrettyPrinter()
                    .writeValueAsBytes(new State(method, accepted, weights, compute)));
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
            state = JSON.readValue(file.toFile(), State.class);
        } catch (IOException e) {
            throw new IllegalArgumentException(file + " is not a readable search state: " + e.getMessage(), e);
        }
        if (!method.equals(state.method())) {
            throw new IllegalArgumentException(file + " belongs to a " + state.method() + " search, not " + method);
        }
        Checkpoint.load(out.resolve(state.weights()), null, network, null);
        compute = state.compute();
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
