package io.dialnet.search;

import io.dialnet.data.DataRecipe;
import io.dialnet.nn.SlimmableNetwork;
import io.dialnet.train.Method;
import io.dialnet.train.SubnetResult;
import io.dialnet.train.TrainConfig;
import io.dialnet.train.TrainResult;
import io.dialnet.train.Trainer;
import io.dialnet.train.TrainingListener;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Every method on one model and data set with the same seed, recipe and epochs: individual (each
 * target width trained alone), uniform (US-Nets), joint (S-Nets), multi-path, single-path and
 * progressive. Each method starts from a fresh network with the same initial weights and writes
 * to its own sub-directory, so an interrupted comparison resumes method by method.
 *
 * <p>The searches start from a full-width model trained with the same recipe and seed, which is
 * exactly the individual method's full-width subnet: when that one was trained here, the searches
 * load it instead of training it again, and each still counts its training compute as its own.
 */
public final class Comparison {
    public static final List<String> METHODS =
            List.of("individual", "uniform", "joint", MultiPathSearch.METHOD, SinglePathSearch.METHOD,
                    ProgressiveSearch.METHOD);

    /**
     * What the comparison runs.
     *
     * @param methods which methods, a subset of {@link #METHODS}
     * @param search the search settings; its recipe (epochs, optimiser, seed) is every method's
     * @param lasso group-lasso weight of multi-path and single-path
     * @param epochsPerSubnet multi-path's sparsity epochs before each cut
     */
    public record Settings(List<String> methods, SearchConfig search, double lasso, int epochsPerSubnet) {
        public Settings {
            for (String m : methods) {
                if (!METHODS.contains(m)) {
                    throw new IllegalArgumentException("--methods: unknown method '" + m + "'; choose from " + METHODS);
                }
            }
            methods = List.copyOf(methods);
            if (methods.contains(SinglePathSearch.METHOD)) {
                SinglePathSearch.checkRoomToFreeze(search);
            }
        }
    }

    /**
     * One method's delivered subnets and what its training cost.
     *
     * @param startedFrom the checkpoint, relative to the comparison's directory, of another method's
     *     model this one started from (its cost is in {@code trainingCompute}), or {@code null}
     */
    public record MethodResult(String method, List<SubnetResult> subnets, double trainingCompute,
            String startedFrom) {}

    private Comparison() {}

    /**
     * Widths whose MACs roughly match the targets (MACs shrink with the square of the width), full
     * width first: the subnets of the width-based methods.
     */
    public static List<Double> widthsFor(List<Double> targets) {
        List<Double> widths = new ArrayList<>(List.of(1.0));
        for (double t : targets) {
            widths.add(Math.round(Math.sqrt(t) * 1000) / 1000.0);
        }
        return widths;
    }

    public static List<MethodResult> run(Settings settings, Supplier<SlimmableNetwork> freshNetwork,
            DataRecipe.Prepared data, Path out, TrainingListener listener) {
        TrainConfig recipe = settings.search().recipe();
        List<Double> widths = widthsFor(settings.search().targets());
        List<MethodResult> results = new ArrayList<>();
        Background background = null;
        for (String method : settings.methods()) {
            Path dir = out.resolve(method);
            results.add(switch (method) {
                case "individual" -> {
                    List<TrainResult> runs = individual(recipe, widths, freshNetwork, data, dir, listener);
                    // widthsFor puts the full width first
                    background = new Background(dir.resolve(Method.widthName(1.0)).resolve(Trainer.CHECKPOINT),
                            runs.get(0).trainingCompute());
                    yield new MethodResult(method, runs.stream().flatMap(r -> r.subnets().stream()).toList(),
                            runs.stream().mapToDouble(TrainResult::trainingCompute).sum(), null);
                }
                case "uniform", "joint" -> {
                    TrainConfig config = recipe.withStrategy(method, widths, method.equals("uniform"));
                    try (SlimmableNetwork network = freshNetwork.get()) {
                        TrainResult r = new Trainer(network, config, data, dir, listener, 0).train(true);
                        yield new MethodResult(method, r.subnets(), r.trainingCompute(), null);
                    }
                }
                default -> search(method, settings, background, freshNetwork, data, out, listener);
            });
        }
        return results;
    }

    /** One training run per width, each from the same initial weights. */
    private static List<TrainResult> individual(TrainConfig recipe, List<Double> widths,
            Supplier<SlimmableNetwork> freshNetwork, DataRecipe.Prepared data, Path dir, TrainingListener listener) {
        List<TrainResult> runs = new ArrayList<>();
        for (double w : widths) {
            TrainConfig config = recipe.withStrategy("individual", List.of(w), false);
            try (SlimmableNetwork network = freshNetwork.get()) {
                runs.add(new Trainer(network, config, data, dir.resolve(Method.widthName(w)), listener, 0).train(true));
            }
        }
        return runs;
    }

    /** A trained full-width model the searches may start from, and what training it cost. */
    private record Background(Path checkpoint, double trainingCompute) {}

    private static MethodResult search(String method, Settings settings, Background background,
            Supplier<SlimmableNetwork> freshNetwork, DataRecipe.Prepared data, Path out, TrainingListener listener) {
        Path dir = out.resolve(method);
        SearchConfig search = settings.search();
        // single-path trains from scratch in one run; the other two start from a background model
        boolean shared = background != null && search.background() == null && !method.equals(SinglePathSearch.METHOD);
        if (shared) {
            search = search.withBackground(background.checkpoint());
        }
        try (SlimmableNetwork network = freshNetwork.get()) {
            SearchResult r = switch (method) {
                case MultiPathSearch.METHOD -> new MultiPathSearch(network, search, data, dir, listener,
                        settings.lasso(), settings.epochsPerSubnet()).run(true);
                case SinglePathSearch.METHOD -> new SinglePathSearch(network, search, data, dir, listener,
                        settings.lasso()).run(true);
                default -> new ProgressiveSearch(network, search, data, dir, listener).run(true);
            };
            return new MethodResult(method, r.subnets(),
                    r.trainingCompute() + (shared ? background.trainingCompute() : 0),
                    shared ? out.relativize(background.checkpoint()).toString() : null);
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
