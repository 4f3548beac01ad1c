package io.dialnet.cli;

import ai.djl.ndarray.NDManager;
import io.dialnet.AtomicFiles;
import io.dialnet.data.DataRecipe;
import io.dialnet.nn.ModelSpec;
import io.dialnet.nn.zoo.ModelZoo;
import io.dialnet.report.ComparisonTable;
import io.dialnet.report.Plots;
import io.dialnet.search.Comparison;
import io.dialnet.search.NoiseRanking;
import io.dialnet.search.SearchConfig;
import io.dialnet.train.TrainConfig;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code dialnet compare}: every method on one model and data set with the same seed, recipe and
 * epochs; {@code compare.json}, {@code compare.md} and {@code compare.png} (one curve per method).
 * A preset sets the schedule; options given on the command line still win.
 */
@Command(name = "compare", mixinStandardHelpOptions = true,
        description = "Compare individual, uniform (US-Nets), joint (S-Nets), multipath, singlepath and progressive "
                + "on one model and data set; presets: quick (10,000 images, about 98 min on 2 cores), paper.")
final class CompareCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    CommonOptions common;

    @Mixin
    DataOptions data;

    @Mixin
    ModelOptions model;

    @Option(names = "--preset", defaultValue = "quick", description = "quick or paper (default: ${DEFAULT-VALUE}).")
    String preset;

    @Option(names = "--methods", split = ",", description = "A subset of " + "individual,uniform,joint,multipath,singlepath,progressive (default: all).")
    List<String> methods;

    @Option(names = "--targets", split = ",", description = "MACs fractions, largest first (default: 0.75,0.5,0.35,0.25).")
    List<Double> targets;

    @Option(names = "--epochs", description = "Epochs of every method's main training (quick: 6, paper: 160).")
    Integer epochs;

    @Option(names = "--final-epochs", description = "Final joint epochs of the searches (quick: 2, paper: 40).")
    Integer finalEpochs;

    @Option(names = "--fine-tune-epochs", description = "Epochs of each selective fine-tuning of the progressive search (quick: 2, paper: 5).")
    Integer fineTuneEpochs;

    @Option(names = "--fine-tune-lr", description = "Peak learning rate of that fine-tuning (quick: 0.1, paper: 0.01).")
    Double fineTuneLr;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Output directory; one sub-directory per method, resumable.")
    Path out;

    @Option(names = "--resume", description = "Continue the comparison in DIR: finished methods are read back, the interrupted one resumes.")
    boolean resume;

    @Option(names = "--overwrite", description = "Start again in a DIR that holds an earlier comparison, replacing its outputs.")
    boolean overwrite;

    /** A preset's schedule. */
    record Preset(int epochs, int trainLimit, int finalEpochs, int fineTuneEpochs, double fineTuneLearningRate,
            int rankBatches, int epochsPerSubnet) {
        static Preset named(String name) {
            return switch (name) {
                // About 98 minutes on 2 cores (docs/RESULTS.md). The background is far from converged after
                // 6 epochs, so progressive fine-tunes like multi-path retrains per cut: 2 epochs at the
                // recipe's learning rate (the paper's small rate suits a converged background).
                case "quick" -> new Preset(6, 10_000, 2, 2, 0.1, 100, 2);
                // The CIFAR schedule of the TNNLS paper's scale, for a bigger machine.
                case "paper" -> new Preset(160, 0, 40, 5, 0.01, 200, 20);
                default -> throw new IllegalArgumentException("--preset " + name + ": choose quick or paper");
            };
        }
    }

    @Override
    public Integer call() {
        model.requireKnown();
        Preset p = Preset.named(preset);
        if (data.trainLimit == 0) {
            data.trainLimit = p.trainLimit();
        }
        List<Double> t = targets != null ? targets : List.of(0.75, 0.5, 0.35, 0.25);
        TrainConfig recipe = new TrainConfig("individual", epochs != null ? epochs : p.epochs(), 128, 0.1, 0.9, true,
                5e-4, 0, 0, List.of(), List.of(), 0.25, 4, false, 20, common.seed);
        SearchConfig search = new SearchConfig(t, false, 1, 4, 1.0,
                NoiseRanking.Settings.DEFAULT.withBatches(p.rankBatches()), recipe, null,
                fineTuneEpochs != null ? fineTuneEpochs : p.fineTuneEpochs(),
                fineTuneLr != null ? fineTuneLr : p.fineTuneLearningRate(),
                finalEpochs != null ? finalEpochs : p.finalEpochs(), 0.02);
        Comparison.Settings settings = new Comparison.Settings(methods != null ? methods : Comparison.METHODS, search,
                1e-4, p.epochsPerSubnet());
        RunDirectory.prepare(out, resume, overwrite, RunDirectory.COMPARE);
        common.startEngine();
        // Subnet filtering chooses on the validation split, so the final numbers need images no method chose on.
        DataRecipe.Prepared prepared = data.prepare(common.seed, 5000);
        ModelSpec modelSpec = model.specFor(prepared.split().train());
        PrintWriter err = spec.commandLine().getErr();
        try (NDManager manager = NDManager.newBaseManager()) {
            List<Comparison.MethodResult> results = Comparison.run(settings,
                    () -> ModelZoo.create(modelSpec, manager, common.seed), prepared, out,
                    new ProgressListener(err, !common.quiet));
            Map<String, Object> report = new LinkedHashMap<>();
            report.put("methods", results);
            report.put("model", modelSpec);
            report.put("data", prepared.recipe());
            report.put("preset", preset);
            report.put("recipe", recipe);
            report.put("search", search);
            AtomicFiles.write(out.resolve("compare.json"), Json.pretty(report));
            String table = ComparisonTable.markdown(results) + "\n"
                    + ComparisonTable.matchedMacs(results, List.of("uniform", "individual"));
            AtomicFiles.write(out.resolve("compare.md"), table.getBytes(StandardCharsets.UTF_8));
            // the final numbers are on the test split, where there is one; choices were made on validation
            Plots.accuracyVsMacs(Comparison.curves(results), modelSpec.architecture() + " on "
                    + prepared.recipe().source(), Comparison.tested(results), out.resolve("compare.png"));
            spec.commandLine().getOut().print(table);
            spec.commandLine().getOut().flush();
        }
        return 0;
    }
}
