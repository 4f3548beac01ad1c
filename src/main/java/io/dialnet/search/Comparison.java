package io.dialnet.search;

import io.dialnet.data.DataRecipe;
import io.dialnet.nn.SlimmableNetwork;
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

    /** One method's delivered subnets and what its training cost. */
    public record MethodResult(String method, List<SubnetResult> subnets, double trainingCompute) {}

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
        for (String method : settings.methods()) {
            Path dir = out.resolve(method);
            results.add(switch (method) {
                case "individual" -> individual(recipe, widths, freshNetwork, data, dir, listener);
                case "uniform", "joint" -> {
                    TrainConfig config = recipe.withStrategy(method, widths, method.equals("uniform"));
                    try (SlimmableNetwork network = freshNetwork.get()) {
                        TrainResult r = new Trainer(network, config, data, dir, listener, 0).train(true);
                        yield new MethodResult(method, r.subnets(), r.trainingCompute());
                    }
                }
                default -> search(method, settings, freshNetwork, data, dir, listener);
            });
        }
        return results;
    }

    private static MethodResult individual(TrainConfig recipe, List<Double> widths,
            Supplier<SlimmableNetwork> freshNetwork, DataRecipe.Prepared data, Path dir, TrainingListener listener) {
        List<SubnetResult> subnets = new ArrayList<>();
        double compute = 0;
        for (double w : widths) {
            TrainConfig config = recipe.withStrategy("individual", List.of(w), false);
            try (SlimmableNetwork network = freshNetwork.get()) {
                TrainResult r = new Trainer(network, config, data, dir.resolve(io.dialnet.train.Method.widthName(w)),
                        listener, 0).train(true);
                subnets.addAll(r.subnets());
                compute += r.trainingCompute();
            }
        }
        return new MethodResult("individual", subnets, compute);
    }

    private static MethodResult search(String method, Settings settings, Supplier<SlimmableNetwork> freshNetwork,
            DataRecipe.Prepared data, Path dir, TrainingListener listener) {
        try (SlimmableNetwork network = freshNetwork.get()) {
            SearchConfig search = settings.search();
            SearchResult r = switch (method) {
                case MultiPathSearch.METHOD -> new MultiPathSearch(network, search, data, dir, listener,
                        settings.lasso(), settings.epochsPerSubnet()).run(true);
                case SinglePathSearch.METHOD -> new SinglePathSearch(network, search, data, dir, listener,
                        settings.lasso()).run(true);
                default -> new ProgressiveSearch(network, search, data, dir, listener).run(true);
            };
            return new MethodResult(method, r.subnets(), r.trainingCompute());
        }
    }

    /** The subnets of each method, for a plot with one curve per method. */
    public static Map<String, List<SubnetResult>> curves(List<MethodResult> results) {
        Map<String, List<SubnetResult>> curves = new LinkedHashMap<>();
        results.forEach(r -> curves.put(r.method(), r.subnets()));
        return curves;
    }
}
