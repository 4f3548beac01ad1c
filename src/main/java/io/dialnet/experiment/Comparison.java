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
import io.dialnet.search.MultiPathSearch;
import io.dialnet.search.ProgressiveSearch;
import io.dialnet.search.SearchConfig;
import io.dialnet.search.SearchResult;
import io.dialnet.search.SinglePathSearch;
import io.dialnet.train.Checkpoint;
import io.dialnet.train.Compute;
import io.dialnet.train.Evaluation;
import io.dialnet.train.Method;
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
    public static final String INDIVIDUAL = "individual";
    public static final String UNIFORM = "uniform";
    public static final String JOINT = "joint";
    public static final String ABLATION = "ablation";
    /** The prefix of the arms that train a search's plans alone. */
    public static final String ALONE = "alone-";

    public static final String PREDICTIONS = "test-correct.json";

    /** Every arm, in the order a comparison runs them (a search before the arm that trains its plans alone). */
    public static final List<String> METHODS = List.of(
            INDIVIDUAL,
            UNIFORM,
            ProgressiveSearch.METHOD,
            ALONE + ProgressiveSearch.METHOD,
            ABLATION,
            JOINT,
            MultiPathSearch.METHOD,
            SinglePathSearch.METHOD,
            ALONE + MultiPathSearch.METHOD,
            ALONE + SinglePathSearch.METHOD);

    /**
     * What the comparison runs.
     *
     * @param methods which arms, a subset of {@link #METHODS} (run in that list's order)
     * @param widths the uniform widths of the width-based arms, full width first; their exact MACs
     *     fractions are the searches' targets
     * @param progressive the progressive search's settings; its recipe (epochs, optimiser, seed) is every arm's
     * @param multiPath multi-path's settings
     * @param lasso group-lasso weight of multi-path and single-path
     * @param ablation the rankings the ablation compares
     */
    public record Settings(
            List<String> methods,
            List<Double> widths,
            SearchConfig progressive,
            MultiPath multiPath,
            double lasso,
            List<SearchConfig.Ranking.Kind> ablation) {
        public Settings {
            for (String m : methods) {
                if (!METHODS.contains(m)) {
                    throw new IllegalArgumentException("--methods: unknown method '" + m + "'; choose from " + METHODS);
                }
            }
            methods = METHODS.stream().filter(methods::contains).toList();
            widths = List.copyOf(widths);
            ablation = List.copyOf(ablation);
            if (widths.isEmpty() || widths.get(0) != 1.0) {
                throw new IllegalArgumentException("--widths must start with the full width 1.0, got " + widths);
            }
            if (widths.size() != progressive.targets().size() + 1) {
                throw new IllegalArgumentException("one target per width below full width is needed: widths " + widths
                        + ", targets " + progressive.targets());
            }
            for (String m : methods) {
                if (m.startsWith(ALONE) && !methods.contains(m.substring(ALONE.length()))) {
                    throw new IllegalArgumentException("--methods: " + m + " trains the plans of "
                            + m.substring(ALONE.length()) + ", which must run in the same comparison");
                }
            }
            if (methods.contains(SinglePathSearch.METHOD)) {
                SinglePathSearch.checkRoomToFreeze(progressive);
            }
        }

        /** The multi-path search's configuration: the shared targets and recipe, its own final training. */
        SearchConfig multiPathConfig() {
            return progressive.with(multiPath.finalTraining());
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
        return runArms(settings, freshNetwork, data, out, listener);
    }

    private static Outcome runArms(
            Settings settings,
            Supplier<SlimmableNetwork> freshNetwork,
            DataRecipe.Prepared data,
            Path out,
            TrainingListener listener) {
        TrainConfig recipe = settings.progressive().recipe();
        Map<String, MethodResult> results = new LinkedHashMap<>();
        List<AblationResult> ablation = new ArrayList<>();
        Background background = null;
        for (String method : settings.methods()) {
            Path dir = out.resolve(method);
            if (Files.exists(dir.resolve(ARM_RESULT))) {
                // a finished arm is read back, so it needs only its results, not every checkpoint it wrote
                if (method.equals(ABLATION)) {
                    ablation.addAll(readBack(dir, new TypeReference<List<AblationResult>>() {}));
                } else {
                    results.put(method, readBack(dir, new TypeReference<MethodResult>() {}));
                }
                if (method.equals(INDIVIDUAL)) {
                    background = backgroundOf(dir);
                }
                continue;
            }
            if (method.equals(INDIVIDUAL)) {
                results.put(method, individual(recipe, settings.widths(), freshNetwork, data, dir, listener));
                background = backgroundOf(dir);
            } else if (method.equals(UNIFORM) || method.equals(JOINT)) {
                // joint trains the uniform widths together with switchable BatchNorm and summed cross-entropy
                TrainConfig config = recipe.withStrategy(method, settings.widths(), method.equals(UNIFORM));
                try (SlimmableNetwork network = freshNetwork.get()) {
                    TrainResult r = new Trainer(network, config, data, dir, listener, 0).train(true);
                    writePredictions(network, Method.of(config, network).subnets(), data, dir);
                    results.put(method, new MethodResult(method, r.subnets(), r.compute(), null));
                }
            } else if (method.startsWith(ALONE)) {
                results.put(
                        method,
                        alone(
                                method,
                                results.get(method.substring(ALONE.length())),
                                recipe,
                                freshNetwork,
                                data,
                                dir,
                                listener));
            } else if (method.equals(ABLATION)) {
                ablation.addAll(ablation(settings, background, freshNetwork, data, dir, listener));
            } else {
                results.put(method, search(method, settings, background, freshNetwork, data, out, listener));
            }
            record(dir, method.equals(ABLATION) ? ablation : results.get(method));
        }
        return new Outcome(List.copyOf(results.values()), ablation);
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

    /** One training run per width, each from the same initial weights. */
    private static MethodResult individual(
            TrainConfig recipe,
            List<Double> widths,
            Supplier<SlimmableNetwork> freshNetwork,
            DataRecipe.Prepared data,
            Path dir,
            TrainingListener listener) {
        List<SubnetResult> subnets = new ArrayList<>();
        Compute compute = Compute.NONE;
        Map<String, boolean[]> predictions = new LinkedHashMap<>();
        for (double w : widths) {
            TrainConfig config = recipe.withStrategy(INDIVIDUAL, List.of(w), false);
            try (SlimmableNetwork network = freshNetwork.get()) {
                TrainResult r =
                        new Trainer(network, config, data, dir.resolve(Method.widthName(w)), listener, 0).train(true);

                subnets.addAll(r.subnets());
                compute = compute.plus(r.compute());
                predictions.putAll(
                        predictions(network, Method.of(config, network).subnets(), data));
            }
        }
        writePredictions(predictions, dir);
        return new MethodResult(INDIVIDUAL, subnets, compute, null);
    }

    /** Every plan {@code search} delivered, trained alone from the same initial weights. */
    private static MethodResult alone(
            String method,
            MethodResult search,
            TrainConfig recipe,
            Supplier<SlimmableNetwork> freshNetwork,
            DataRecipe.Prepared data,
            Path dir,
            TrainingListener listener) {
        List<SubnetResult> subnets = new ArrayList<>();
        Compute compute = Compute.NONE;
        Map<String, boolean[]> predictions = new LinkedHashMap<>();
        for (SubnetResult s : search.subnets()) {
            ChannelPlan plan = ChannelPlan.of(
                    s.channels().stream().mapToInt(Integer::intValue).toArray());
            TrainConfig config = recipe.withPlans(INDIVIDUAL, List.of(plan.toString()));
            try (SlimmableNetwork network = freshNetwork.get()) {
                if (plan.equals(network.fullPlan())) {
                    continue; // the full plan alone is the individual full-width run: same recipe, same seed
                }
                TrainResult r = new Trainer(network, config, data, dir.resolve(s.name()), listener, 0).train(true);
                SubnetResult trained = r.subnets().get(0);
                subnets.add(new SubnetResult(
                        s.name(),
                        trained.channels(),
                        trained.macs(),
                        trained.params(),
                        trained.validationAccuracy(),
                        trained.testAccuracy()));
                compute = compute.plus(r.compute());
                predictions.putAll(predictions(network, List.of(new Subnet(s.name(), plan)), data));
            }
        }
        writePredictions(predictions, dir);
        return new MethodResult(method, subnets, compute, null);
    }

    /** A trained full-width model the searches may start from, and what training it cost. */
    private record Background(Path checkpoint, Compute compute) {}

    /** The individual arm's full-width run (the widths start with the full width): the searches' start. */
    private static Background backgroundOf(Path individualDir) {
        Path checkpoint = individualDir.resolve(Method.widthName(1.0)).resolve(Trainer.CHECKPOINT);
        if (!Files.exists(checkpoint)) {
            throw new IllegalStateException(checkpoint + " is missing: the searches start from the individual "
                    + "full-width model; restore it or delete " + individualDir.resolve(ARM_RESULT) + " to retrain");
        }
        // individual training does not calibrate, so its cost is its training steps and time
        Checkpoint.Progress p = Checkpoint.manifest(checkpoint).progress();
        return new Background(
                checkpoint, new Compute(Compute.TRAINING_PASSES * p.trainingCompute(), 0, 0, 0, p.trainingSeconds()));
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

    private static MethodResult search(
            String method,
            Settings settings,
            Background background,
            Supplier<SlimmableNetwork> freshNetwork,
            DataRecipe.Prepared data,
            Path out,
            TrainingListener listener) {
        Path dir = out.resolve(method);
        SearchConfig search =
                method.equals(MultiPathSearch.METHOD) ? settings.multiPathConfig() : settings.progressive();
        // single-path trains from scratch in one run; the other two start from a background model
        boolean shared = background != null && search.background() == null && !method.equals(SinglePathSearch.METHOD);
        if (shared) {
            search = search.withBackground(background.checkpoint());
        }
        try (SlimmableNetwork network = freshNetwork.get()) {
            SearchResult r = switch (method) {
                case MultiPathSearch.METHOD ->
                    new MultiPathSearch(
                                    network,
                                    search,
                                    data,
                                    dir,
                                    listener,
                                    settings.lasso(),
                                    settings.multiPath().epochsPerSubnet())
                            .run(true);
                case SinglePathSearch.METHOD ->
                    new SinglePathSearch(network, search, data, dir, listener, settings.lasso()).run(true);
                default -> new ProgressiveSearch(network, search, data, dir, listener).run(true);
            };
            List<Subnet> delivered = r.subnets().stream()
                    .map(s -> new Subnet(
                            s.name(),
                            ChannelPlan.of(s.channels().stream()
                                    .mapToInt(Integer::intValue)
                                    .toArray())))
                    .toList();
            writePredictions(network, delivered, data, dir);
            return new MethodResult(
                    method,
                    r.subnets(),
                    shared ? r.compute().plus(background.compute()) : r.compute(),
                    shared ? out.relativize(background.checkpoint()).toString() : null);
        }
    }

    /** The progressive search's cuts from the background with each ranking, without fine-tuning. */
    private static List<AblationResult> ablation(
            Settings settings,
            Background background,
            Supplier<SlimmableNetwork> freshNetwork,
            DataRecipe.Prepared data,
            Path dir,
            TrainingListener listener) {
        if (background == null) {
            throw new IllegalArgumentException("--methods: the ablation cuts the individual full-width model; "
                    + "run individual in the same comparison");
        }
        SearchConfig base = settings.progressive()
                .withBackground(background.checkpoint())
                .with(new SearchConfig.FineTuning(0, 0.01, 0, SearchConfig.FineTuning.Reference.PREVIOUS, 0))
                .with(new SearchConfig.FinalTraining(0, 0.01, false));
        List<AblationResult> results = new ArrayList<>();
        for (SearchConfig.Ranking.Kind kind : settings.ablation()) {
            try (SlimmableNetwork network = freshNetwork.get()) {
                // one candidate, cut by the global rule; filter norms differ in scale between layers, so
                // the L1 ranking is compared within each set (per-layer normalisation, as in Li et al. 2017)
                CutRule rule = kind == SearchConfig.Ranking.Kind.L1 ? CutRule.PER_SET : CutRule.GLOBAL;
                SearchConfig config =
                        base.with(base.ranking().withKind(kind)).with(new SearchConfig.Sampling(1, List.of(rule)));
                SearchResult r = new ProgressiveSearch(
                                network, config, data, dir.resolve(kind.name().toLowerCase(Locale.ROOT)), listener)
                        .run(true);
                results.add(new AblationResult(kind, r.accepted()));
            }
        }
        return results;
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
        if (correct.isEmpty()) {
            return;
        }
        Map<String, String> text = new LinkedHashMap<>();
        correct.forEach((name, flags) -> {
            StringBuilder b = new StringBuilder(flags.length);
            for (boolean f : flags) {
                b.append(f ? '1' : '0');
            }
            text.put(name, b.toString());
        });
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
