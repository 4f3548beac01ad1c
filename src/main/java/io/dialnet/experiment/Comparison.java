package io.dialnet.experiment;

import com.fasterxml.jackson.core.type.TypeReference;
import io.dialnet.AtomicFiles;
import io.dialnet.Json;
import io.dialnet.data.DataRecipe;
import io.dialnet.nn.ChannelPlan;
import io.dialnet.nn.Complexity;
import io.dialnet.nn.SlimmableNetwork;
import io.dialnet.search.AcceptedSubnet;
import io.dialnet.search.CutRule;
import io.dialnet.search.SearchConfig;
import io.dialnet.search.SearchMethod;
import io.dialnet.search.SearchResult;
import io.dialnet.search.SinglePathSearch;
import io.dialnet.train.Checkpoint;
import io.dialnet.train.Compute;
import io.dialnet.train.Evaluation;
import io.dialnet.train.Method;
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
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Every method on one model and data set with the same seed, recipe and epochs, each arm in its
 * own sub-directory so an interrupted comparison resumes arm by arm (and, inside an arm, epoch by
 * epoch). The arms, in the order they run:
 * <ul>
 *   <li>{@code individual}: each width trained alone (its full width is the searches' background);
 *   <li>{@code uniform}: US-Nets; {@code joint}: the uniform widths trained together (S-Nets);
 *   <li>{@code progressive}, {@code multipath}, {@code singlepath}: the searches;
 *   <li>{@code alone-progressive}, {@code alone-multipath}, {@code alone-singlepath}: every plan a
 *       search delivered, trained alone with the same recipe ("the same subnets trained
 *       individually", the claim of DAC 2020);
 *   <li>{@code ablation}: the progressive search's cuts with each ranking (one candidate: the global
 *       rule, or for filter norms, whose scale differs between layers, the per-set rule), accuracy
 *       after BatchNorm calibration and before any fine-tuning.
 * </ul>
 * After each arm, {@code <arm>/test-correct.json} records which test images each subnet got
 * right, for paired statistics across methods and seeds.
 */
public final class Comparison {
    public static final String PREDICTIONS = "test-correct.json";

    /** Every arm, in the order a comparison runs them (a search before the arm that trains its plans alone). */
    public static final List<Arm> ARMS = List.of(Arm.values());

    /**
     * What the comparison runs.
     *
     * @param methods which arms (run in {@link #ARMS}'s order)
     * @param widths the uniform widths of the width-based arms, full width first; their exact MACs
     *     fractions are the searches' targets
     * @param progressive the progressive search's settings; its recipe (epochs, optimiser, seed) is every arm's
     * @param multiPath multi-path's settings
     * @param lasso group-lasso weight of multi-path and single-path
     * @param ablation the rankings the ablation compares
     */
    public record Settings(
            List<Arm> methods,
            List<Double> widths,
            SearchConfig progressive,
            MultiPath multiPath,
            double lasso,
            List<SearchConfig.Ranking.Kind> ablation) {
        public Settings {
            methods = ARMS.stream().filter(methods::contains).toList();
            widths = List.copyOf(widths);
            ablation = List.copyOf(ablation);
            if (widths.isEmpty() || widths.get(0) != 1.0) {
                throw new IllegalArgumentException("--widths must start with the full width 1.0, got " + widths);
            }
            if (widths.size() != progressive.targets().size() + 1) {
                throw new IllegalArgumentException("one target per width below full width is needed: widths " + widths
                        + ", targets " + progressive.targets());
            }
            for (Arm m : methods) {
                if (m.kind() == Arm.Kind.ALONE && !methods.contains(m.searchArm())) {
                    throw new IllegalArgumentException("--methods: " + m + " trains the plans of " + m.searchArm()
                            + ", which must run in the same comparison");
                }
            }
            for (Arm fromBackground : List.of(Arm.ABLATION, Arm.JOINT_BACKGROUND)) {
                if (methods.contains(fromBackground) && !methods.contains(Arm.INDIVIDUAL)) {
                    throw new IllegalArgumentException("--methods: " + fromBackground + " starts from the individual "
                            + "full-width model; run individual in the same comparison");
                }
            }
            if (methods.contains(Arm.UNIFORM_BUDGET)
                    && !(methods.contains(Arm.UNIFORM) && methods.contains(Arm.PROGRESSIVE))) {
                throw new IllegalArgumentException("--methods: " + Arm.UNIFORM_BUDGET + " trains US-Nets to "
                        + "progressive's compute, measured on uniform's; run uniform and progressive in the same "
                        + "comparison");
            }
            if (methods.contains(Arm.SINGLEPATH)) {
                SinglePathSearch.checkRoomToFreeze(progressive);
            }
        }

        /** The multi-path search's configuration: the shared targets and recipe, its own final training. */
        SearchConfig multiPathConfig() {
            return progressive.toBuilder()
                    .optFinalTraining(multiPath.finalTraining())
                    .build();
        }
    }

    /**
     * Multi-path's schedule.
     *
     * @param epochsPerSubnet epochs of each subnet's retraining before its cut
     * @param finalTraining the retraining of all subnets after the last cut
     */
    public record MultiPath(int epochsPerSubnet, SearchConfig.FinalTraining finalTraining) {}

    /**
     * One arm's delivered subnets and what it cost.
     *
     * @param compute every phase's cost, including (for the searches) the background's training
     * @param startedFrom the checkpoint, relative to the comparison's directory, of another arm's
     *     model this one started from (its cost is in {@code compute}), or {@code null}
     */
    public record MethodResult(String method, List<SubnetResult> subnets, Compute compute, String startedFrom) {}

    /** The ranking ablation: each ranking's subnets right after their cut and calibration. */
    public record AblationResult(SearchConfig.Ranking.Kind ranking, List<AcceptedSubnet> subnets) {}

    /** Everything a comparison produced. */
    public record Outcome(List<MethodResult> methods, List<AblationResult> ablation) {}

    private Comparison() {}

    /**
     * The searches' targets for {@code widths} (full width first): the exact MACs fraction of each
     * smaller uniform plan, so every method is compared at the same MACs without interpolation.
     */
    public static List<Double> targetsFor(SlimmableNetwork network, List<Double> widths) {
        double full = Complexity.of(network, network.fullPlan()).macs();
        return widths.subList(1, widths.size()).stream()
                .map(w -> Complexity.of(network, network.uniformPlan(w)).macs() / full)
                .toList();
    }

    public static Outcome run(
            Settings settings,
            Supplier<SlimmableNetwork> freshNetwork,
            DataRecipe.Prepared data,
            Path out,
            TrainingListener listener) {
        return new Run(settings, freshNetwork, data, out, listener).all();
    }

    /** One comparison under way: what every arm needs, and the results of the arms run so far. */
    private static final class Run {
        final Settings settings;
        final Supplier<SlimmableNetwork> freshNetwork;
        final DataRecipe.Prepared data;
        final Path out;
        final TrainingListener listener;
        final Map<Arm, MethodResult> results = new LinkedHashMap<>();
        final List<AblationResult> ablation = new ArrayList<>();
        /** The individual arm's full-width model, once it exists: where the searches start. */
        Background background;

        Run(
                Settings settings,
                Supplier<SlimmableNetwork> freshNetwork,
                DataRecipe.Prepared data,
                Path out,
                TrainingListener listener) {
            this.settings = settings;
            this.freshNetwork = freshNetwork;
            this.data = data;
            this.out = out;
            this.listener = listener;
        }

        TrainConfig recipe() {
            return settings.progressive().recipe();
        }

        /** Every arm in order: a finished one is read back, the others run and record their result. */
        Outcome all() {
            for (Arm arm : settings.methods()) {
                Path dir = out.resolve(arm.id());
                if (Files.exists(dir.resolve(ARM_RESULT))) {
                    readBack(arm, dir);
                } else {
                    runArm(arm, dir);
                    record(dir, arm == Arm.ABLATION ? ablation : results.get(arm));
                }
                if (arm == Arm.INDIVIDUAL) {
                    background = backgroundOf(dir);
                }
            }
            return new Outcome(List.copyOf(results.values()), ablation);
        }

        /** A finished arm needs only its results, not every checkpoint it wrote. */
        private void readBack(Arm arm, Path dir) {
            if (arm == Arm.ABLATION) {
                ablation.addAll(Comparison.readBack(dir, new TypeReference<List<AblationResult>>() {}));
            } else {
                results.put(arm, Comparison.readBack(dir, new TypeReference<MethodResult>() {}));
            }
        }

        private void runArm(Arm arm, Path dir) {
            if (arm == Arm.ABLATION) {
                ablation.addAll(ablation(dir));
                return;
            }
            MethodResult result = switch (arm.kind()) {
                case INDIVIDUAL -> individual(dir);
                case WIDTHS ->
                    switch (arm) {
                        case JOINT_BACKGROUND -> jointFromBackground(dir);
                        case UNIFORM_BUDGET -> widths(arm, budgetEpochs(), dir);
                        default -> widths(arm, recipe().epochs(), dir);
                    };
                case SEARCH -> search(arm, dir);
                case ALONE -> alone(arm, dir);
                case ABLATION -> throw new IllegalStateException("the ablation has no method result");
            };
            results.put(arm, result);
        }

        /**
         * The uniform widths trained together with the arm's strategy for {@code epochs}: uniform
         * with in-place distillation; joint with switchable BatchNorm and summed cross-entropy.
         */
        private MethodResult widths(Arm arm, int epochs, Path dir) {
            boolean distill = arm.strategy() == Strategy.UNIFORM;
            TrainConfig config = withWidths(recipe(), arm.strategy(), settings.widths(), distill).toBuilder()
                    .setEpochs(epochs)
                    .build();
            try (SlimmableNetwork network = freshNetwork.get()) {
                TrainResult r = new Trainer(network, config, data, dir, listener, 0).train(true);
                writePredictions(network, Method.of(config, network).subnets(), data, dir);
                return new MethodResult(arm.id(), r.subnets(), r.compute(), null);
            }
        }

        /**
         * The epochs that give US-Nets at least the progressive arm's compute, from what the uniform
         * arm's epochs cost: the recipe's epochs times the ratio of the two, rounded up.
         */
        private int budgetEpochs() {
            double ratio = results.get(Arm.PROGRESSIVE).compute().total()
                    / results.get(Arm.UNIFORM).compute().total();
            return (int) Math.ceil(recipe().epochs() * ratio - 1e-9);
        }

        /**
         * The uniform widths trained jointly from the background with progressive's final-training
         * schedule (epochs, peak rate, distillation): what progressive does after its search, so
         * that, where its search chose the uniform widths, the two differ only by the search's
         * fine-tunings. Its cost includes the background's, as a search's does.
         */
        private MethodResult jointFromBackground(Path dir) {
            SearchConfig.FinalTraining last = settings.progressive().finalTraining();
            TrainConfig config = withWidths(recipe(), Strategy.JOINT, settings.widths(), last.distill()).toBuilder()
                    .setEpochs(last.epochs())
                    .optLearningRate(last.learningRate())
                    .optWarmupEpochs(Math.min(recipe().warmupEpochs(), last.epochs() - 1))
                    .build();
            try (SlimmableNetwork network = freshNetwork.get()) {
                if (!Files.exists(dir.resolve(Trainer.CHECKPOINT))) {
                    Checkpoint.loadWeights(background.checkpoint(), network);
                }
                TrainResult r = new Trainer(network, config, data, dir, listener, 0).train(true);
                writePredictions(network, Method.of(config, network).subnets(), data, dir);
                return new MethodResult(
                        Arm.JOINT_BACKGROUND.id(),
                        r.subnets(),
                        r.compute().plus(background.compute()),
                        out.relativize(background.checkpoint()).toString());
            }
        }

        /** The arm's search from the individual full-width model (single-path: from scratch). */
        private MethodResult search(Arm arm, Path dir) {
            SearchMethod method = arm.search();
            SearchConfig search =
                    method == SearchMethod.MULTIPATH ? settings.multiPathConfig() : settings.progressive();
            boolean shared = background != null && search.background() == null && method.startsFromBackground();
            if (shared) {
                search = search.toBuilder()
                        .optBackground(background.checkpoint())
                        .build();
            }
            try (SlimmableNetwork network = freshNetwork.get()) {
                SearchMethod.Job job = new SearchMethod.Job(
                        network,
                        search,
                        data,
                        dir,
                        listener,
                        settings.lasso(),
                        settings.multiPath().epochsPerSubnet(),
                        null);
                SearchResult r = method.run(job, true);
                List<Subnet> delivered = r.subnets().stream()
                        .map(s -> new Subnet(s.name(), ChannelPlan.of(s.channels())))
                        .toList();
                writePredictions(network, delivered, data, dir);
                return new MethodResult(
                        arm.id(),
                        r.subnets(),
                        shared ? r.compute().plus(background.compute()) : r.compute(),
                        shared ? out.relativize(background.checkpoint()).toString() : null);
            }
        }

        /** One training run per width, each from the same initial weights. */
        private MethodResult individual(Path dir) {
            List<SubnetResult> subnets = new ArrayList<>();
            Compute compute = Compute.NONE;
            Map<String, boolean[]> predictions = new LinkedHashMap<>();
            for (double w : settings.widths()) {
                TrainConfig config = withWidths(recipe(), Strategy.INDIVIDUAL, List.of(w), false);
                try (SlimmableNetwork network = freshNetwork.get()) {
                    TrainResult r = new Trainer(network, config, data, dir.resolve(Method.widthName(w)), listener, 0)
                            .train(true);

                    subnets.addAll(r.subnets());
                    compute = compute.plus(r.compute());
                    predictions.putAll(
                            predictions(network, Method.of(config, network).subnets(), data));
                }
            }
            writePredictions(predictions, dir);
            return new MethodResult(Arm.INDIVIDUAL.id(), subnets, compute, null);
        }

        /**
         * Every plan the arm's search delivered, trained alone from the same initial weights. A plan
         * that is one of the individual arm's widths is that width's run, read back rather than
         * trained again: the same recipe, seed and initial weights (seed 0 of the protocol retrained
         * three such plans and matched individual's to the last digit, 0.8 hours spent for nothing).
         */
        private MethodResult alone(Arm arm, Path dir) {
            MethodResult search = results.get(arm.searchArm());
            List<SubnetResult> subnets = new ArrayList<>();
            Compute compute = Compute.NONE;
            Map<String, String> predictions = new LinkedHashMap<>();
            Path individualDir = out.resolve(Arm.INDIVIDUAL.id());
            Map<String, String> individualCorrect = readPredictions(individualDir);
            for (SubnetResult s : search.subnets()) {
                SubnetResult width = individualRun(s.channels());
                if (width != null && width.name().equals(Method.widthName(1.0))) {
                    continue; // the full plan alone is the individual full-width run itself, not part of this arm
                }
                // read back where that run's checkpoint (its cost) is kept; trained again where it was deleted
                Path widthRun = width == null ? null : individualDir.resolve(width.name());
                if (widthRun != null && Files.exists(widthRun.resolve(Trainer.CHECKPOINT))) {
                    subnets.add(renamed(width, s.name()));
                    compute = compute.plus(trainingCost(widthRun));
                    String correct = individualCorrect.get(width.name());
                    if (correct != null) {
                        predictions.put(s.name(), correct);
                    }
                    continue;
                }
                ChannelPlan plan = ChannelPlan.of(s.channels());
                // the recipe for this plan alone, without distillation
                TrainConfig config = recipe().toBuilder()
                        .setStrategy(arm.strategy())
                        .optWidths(List.of())
                        .optPlans(List.of(plan))
                        .optDistill(false)
                        .build();
                try (SlimmableNetwork network = freshNetwork.get()) {
                    if (plan.equals(network.fullPlan())) {
                        continue; // as above, where the individual arm is not in this comparison
                    }
                    TrainResult r = new Trainer(network, config, data, dir.resolve(s.name()), listener, 0).train(true);
                    subnets.add(renamed(r.subnets().get(0), s.name()));
                    compute = compute.plus(r.compute());
                    predictions(network, List.of(new Subnet(s.name(), plan)), data)
                            .forEach((name, correct) -> predictions.put(name, asText(correct)));
                }
            }
            writeText(predictions, dir);
            return new MethodResult(arm.id(), subnets, compute, null);
        }

        /** The individual arm's run of exactly {@code channels}, if this comparison has one. */
        private SubnetResult individualRun(List<Integer> channels) {
            MethodResult individual = results.get(Arm.INDIVIDUAL);
            return individual == null
                    ? null
                    : individual.subnets().stream()
                            .filter(w -> w.channels().equals(channels))
                            .findFirst()
                            .orElse(null);
        }

        private static SubnetResult renamed(SubnetResult s, String name) {
            return new SubnetResult(name, s.channels(), s.macs(), s.params(), s.validationAccuracy(), s.testAccuracy());
        }

        /** The progressive search's cuts from the background with each ranking, without fine-tuning. */
        private List<AblationResult> ablation(Path dir) {
            SearchConfig base = settings.progressive().toBuilder()
                    .optBackground(background.checkpoint())
                    .optFineTuning(
                            new SearchConfig.FineTuning(0, 0.01, 0, SearchConfig.FineTuning.Reference.PREVIOUS, 0))
                    .optFinalTraining(new SearchConfig.FinalTraining(0, 0.01, false))
                    .build();
            List<AblationResult> results = new ArrayList<>();
            for (SearchConfig.Ranking.Kind kind : settings.ablation()) {
                try (SlimmableNetwork network = freshNetwork.get()) {
                    // one candidate, cut by the global rule; filter norms differ in scale between layers, so
                    // the L1 ranking is compared within each set (per-layer normalisation, as in Li et al. 2017)
                    CutRule rule = kind == SearchConfig.Ranking.Kind.L1 ? CutRule.PER_SET : CutRule.GLOBAL;
                    SearchConfig config = base.toBuilder()
                            .optRanking(base.ranking().withKind(kind))
                            .optSampling(new SearchConfig.Sampling(1, List.of(rule)))
                            .build();
                    Path rankingDir = dir.resolve(kind.name().toLowerCase(Locale.ROOT));
                    SearchResult r = Arm.ABLATION
                            .search()
                            .run(new SearchMethod.Job(network, config, data, rankingDir, listener, 0, 0, null), true);
                    results.add(new AblationResult(kind, r.accepted()));
                }
            }
            return results;
        }
    }

    /**
     * {@code recipe}'s schedule and optimiser for {@code strategy} on {@code widths} (the uniform
     * sandwich's smallest width becomes the smallest of them): a comparison arm's configuration,
     * which its checkpoints resume with.
     */
    static TrainConfig withWidths(TrainConfig recipe, Strategy strategy, List<Double> widths, boolean distill) {
        return recipe.toBuilder()
                .setStrategy(strategy)
                .optWidths(widths)
                .optPlans(List.of())
                .optMinWidth(
                        widths.stream().mapToDouble(Double::doubleValue).min().orElse(recipe.minWidth()))
                .optDistill(distill)
                .build();
    }

    /** {@code <arm>/arm.json}: one arm's result as soon as it is done, so partial comparisons can be read. */
    public static final String ARM_RESULT = "arm.json";

    private static void record(Path dir, Object result) {
        try {
            Files.createDirectories(dir);
            AtomicFiles.write(dir.resolve(ARM_RESULT), Json.PRETTY.writeValueAsBytes(result));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A trained full-width model the searches may start from, and what training it cost. */
    private record Background(Path checkpoint, Compute compute) {}

    /** The individual arm's full-width run (the widths start with the full width): the searches' start. */
    private static Background backgroundOf(Path individualDir) {
        Path run = individualDir.resolve(Method.widthName(1.0));
        return new Background(run.resolve(Trainer.CHECKPOINT), trainingCost(run));
    }

    /** What one of the individual arm's runs cost, from its last checkpoint. */
    private static Compute trainingCost(Path widthRun) {
        Path checkpoint = widthRun.resolve(Trainer.CHECKPOINT);
        if (!Files.exists(checkpoint)) {
            throw new IllegalStateException(checkpoint + " is missing: the searches start from the individual "
                    + "full-width model; restore it or delete " + widthRun.resolveSibling(ARM_RESULT) + " to retrain");
        }
        // individual training does not calibrate, so its cost is its training steps and time
        Checkpoint.Progress p = Checkpoint.manifest(checkpoint).progress();
        return new Compute(Compute.TRAINING_PASSES * p.trainingCompute(), 0, 0, 0, p.trainingSeconds());
    }

    private static <T> T readBack(Path dir, TypeReference<T> type) {
        Path file = dir.resolve(ARM_RESULT);
        try {
            return Json.MAPPER.readValue(file.toFile(), type);
        } catch (IOException e) {
            throw new UncheckedIOException(
                    file + " cannot be read back (" + e.getMessage() + "); delete it to run the arm again", e);
        }
    }

    private static Map<String, boolean[]> predictions(
            SlimmableNetwork network, List<Subnet> subnets, DataRecipe.Prepared data) {
        Map<String, boolean[]> correct = new LinkedHashMap<>();
        if (data.testLoader() != null) {
            for (Subnet s : subnets) {
                correct.put(s.name(), Evaluation.correctness(network, s.plan(), data.testLoader(), 256));
            }
        }
        return correct;
    }

    private static void writePredictions(
            SlimmableNetwork network, List<Subnet> subnets, DataRecipe.Prepared data, Path dir) {
        writePredictions(predictions(network, subnets, data), dir);
    }

    /** {@code dir/test-correct.json}: per subnet, a string of '1' (right) and '0' (wrong), one per test image. */
    private static void writePredictions(Map<String, boolean[]> correct, Path dir) {
        Map<String, String> text = new LinkedHashMap<>();
        correct.forEach((name, flags) -> text.put(name, asText(flags)));
        writeText(text, dir);
    }

    private static String asText(boolean[] correct) {
        StringBuilder b = new StringBuilder(correct.length);
        for (boolean c : correct) {
            b.append(c ? '1' : '0');
        }
        return b.toString();
    }

    /** An arm's {@code test-correct.json} read back: per subnet, its '1'/'0' string (none without a test split). */
    private static Map<String, String> readPredictions(Path dir) {
        Path file = dir.resolve(PREDICTIONS);
        try {
            return Files.exists(file) ? Json.MAPPER.readValue(file.toFile(), new TypeReference<>() {}) : Map.of();
        } catch (IOException e) {
            throw new UncheckedIOException(file + " cannot be read back (" + e.getMessage() + ")", e);
        }
    }

    private static void writeText(Map<String, String> text, Path dir) {
        if (text.isEmpty()) {
            return;
        }
        try {
            Files.createDirectories(dir);
            AtomicFiles.write(dir.resolve(PREDICTIONS), Json.MAPPER.writeValueAsBytes(text));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Whether every subnet has a test accuracy: then the final numbers are on the test split. */
    public static boolean tested(List<MethodResult> results) {
        return results.stream().flatMap(r -> r.subnets().stream()).allMatch(s -> s.testAccuracy() != null);
    }

    /** The subnets of each method, for a plot with one curve per method. */
    public static Map<String, List<SubnetResult>> curves(List<MethodResult> results) {
        Map<String, List<SubnetResult>> curves = new LinkedHashMap<>();
        results.forEach(r -> curves.put(r.method(), r.subnets()));
        return curves;
    }
}
