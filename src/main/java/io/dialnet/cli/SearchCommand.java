package io.dialnet.cli;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import io.dialnet.AtomicFiles;
import io.dialnet.Json;
import io.dialnet.data.DataRecipe;
import io.dialnet.export.OnnxExport;
import io.dialnet.nn.ChannelPlan;
import io.dialnet.nn.Devices;
import io.dialnet.nn.ModelSpec;
import io.dialnet.nn.SlimmableNetwork;
import io.dialnet.nn.zoo.ModelZoo;
import io.dialnet.report.Plots;
import io.dialnet.report.SubnetTable;
import io.dialnet.runtime.OnnxLatencyProfiler;
import io.dialnet.search.CostModel;
import io.dialnet.search.CutRule;
import io.dialnet.search.MultiPathSearch;
import io.dialnet.search.NoiseRanking;
import io.dialnet.search.ProgressiveSearch;
import io.dialnet.search.SearchConfig;
import io.dialnet.search.SearchResult;
import io.dialnet.search.SinglePathSearch;
import io.dialnet.train.TrainConfig;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code dialnet search}: finds and trains nested subnets for a list of cost targets. */
@Command(
        name = "search",
        mixinStandardHelpOptions = true,
        description = "Search nested subnets for cost targets (progressive subnetwork search) and train them jointly.")
final class SearchCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    CommonOptions common;

    @Mixin
    DataOptions data;

    @Mixin
    TrainingOptions training;

    @Mixin
    DeviceOptions device;

    @Option(
            names = "--method",
            defaultValue = "progressive",
            description =
                    "progressive (TNNLS 2022), multipath (DAC 2020) or singlepath (ASP-DAC 2021) (default: ${DEFAULT-VALUE}).")
    String method;

    @Option(
            names = "--lasso",
            defaultValue = "1e-4",
            description = "multipath, singlepath: weight of the group-lasso penalty (default: ${DEFAULT-VALUE}).")
    double lasso;

    @Option(
            names = "--epochs-per-subnet",
            defaultValue = "2",
            description = "multipath: epochs of sparsity training before each cut (default: ${DEFAULT-VALUE}).")
    int epochsPerSubnet;

    @Mixin
    ModelOptions model;

    @Option(
            names = "--targets",
            required = true,
            split = ",",
            paramLabel = "T",
            description =
                    "Targets, largest first: MACs fractions in (0, 1) (e.g. 0.75,0.5,0.25), or milliseconds with --latency.")
    List<Double> targets;

    @Option(
            names = "--latency",
            description =
                    "Targets are latency budgets in ms, measured with ONNX Runtime (as serve runs the model) at --latency-batch and --threads.")
    boolean latency;

    @Option(
            names = "--latency-batch",
            defaultValue = "1",
            description = "Batch size of latency measurements (default: ${DEFAULT-VALUE}).")
    int latencyBatch;

    @Option(
            names = "--ranking",
            defaultValue = "noise",
            description =
                    "How channel groups are ranked: noise (trainable noise, the paper's), l1 (filter L1 norm) or random (default: ${DEFAULT-VALUE}).")
    SearchConfig.Ranking.Kind ranking;

    @Option(
            names = "--candidates",
            defaultValue = "4",
            description = "Candidates sampled per target (default: ${DEFAULT-VALUE}).")
    int candidates;

    @Option(
            names = "--cut-rules",
            split = ",",
            description =
                    "Cut rule of each candidate in turn, the last repeating: global, macs_weighted, uniform, random, per_set (default: global,macs_weighted,uniform,random).")
    List<CutRule> cutRules;

    @Option(
            names = "--choice-margin",
            defaultValue = "0",
            description =
                    "Accept the cheapest non-dominated candidate within this many points of the most accurate (default: ${DEFAULT-VALUE}).")
    double choiceMargin;

    @Option(
            names = "--last-margin",
            defaultValue = "0.5",
            description =
                    "After final training, drop a subnet only when a smaller one is this many points more accurate (default: ${DEFAULT-VALUE}).")
    double lastMargin;

    @Option(
            names = "--tau",
            defaultValue = "1.0",
            description =
                    "Fine-tune when accuracy falls more than this many points below the reference (default: ${DEFAULT-VALUE}).")
    double tau;

    @Option(
            names = "--reference",
            defaultValue = "line",
            description =
                    "The fine-tuning reference: line (full accuracy minus --points-per-halving per halving of MACs) or previous (the last accepted subnet) (default: ${DEFAULT-VALUE}).")
    SearchConfig.FineTuning.Reference reference;

    @Option(
            names = "--points-per-halving",
            defaultValue = "2.5",
            description =
                    "Slope of the line reference, accuracy points per halving of MACs (default: ${DEFAULT-VALUE}).")
    double pointsPerHalving;

    @Option(
            names = "--rank-batches",
            defaultValue = "200",
            description = "Batches of noise-ranking training per target (default: ${DEFAULT-VALUE}).")
    int rankBatches;

    @Option(
            names = "--noise",
            defaultValue = "activations",
            description = "Noise injection point: activations or weights (default: ${DEFAULT-VALUE}).")
    NoiseRanking.Injection noise;

    @Option(
            names = "--background",
            paramLabel = "CHECKPOINT",
            description = "A trained full-width model to start from (else one is trained for --epochs).")
    Path background;

    @Option(
            names = "--fine-tune-epochs",
            defaultValue = "2",
            description = "Epochs of each selective fine-tuning; 0 = never (default: ${DEFAULT-VALUE}).")
    int fineTuneEpochs;

    @Option(
            names = "--fine-tune-lr",
            defaultValue = "0.01",
            description = "Peak learning rate of fine-tuning (default: ${DEFAULT-VALUE}).")
    double fineTuneLr;

    @Option(
            names = "--final-epochs",
            defaultValue = "5",
            description = "Epochs of the final joint training (default: ${DEFAULT-VALUE}).")
    int finalEpochs;

    @Option(
            names = "--final-lr",
            defaultValue = "0.02",
            description = "Peak learning rate of the final joint training (default: ${DEFAULT-VALUE}).")
    double finalLr;

    @Option(
            names = "--final-distill",
            description =
                    "Final joint training: smaller subnets learn from the largest's soft output instead of the labels (default: summed cross-entropy, as the paper).")
    boolean finalDistill;

    @Option(
            names = "--out",
            required = true,
            paramLabel = "DIR",
            description =
                    "Output directory: search.jsonl, search.json, state-K.zip, background/, finetune-K/, final/, results.json.")
    Path out;

    @Option(names = "--resume", description = "Continue from where a previous run in DIR stopped.")
    boolean resume;

    @Option(
            names = "--overwrite",
            description = "Start again in a DIR that holds an earlier search, replacing its outputs.")
    boolean overwrite;

    @Override
    public Integer call() {
        model.requireKnown();
        if (!List.of(ProgressiveSearch.METHOD, MultiPathSearch.METHOD, SinglePathSearch.METHOD)
                .contains(method)) {
            throw new IllegalArgumentException("--method " + method + ": choose progressive, multipath or singlepath");
        }
        training.strategy = "individual";
        TrainConfig recipe = training.toConfig(common.seed);
        SearchConfig config = SearchConfig.of(targets, recipe)
                .withLatency(latency, latencyBatch)
                .with(new SearchConfig.Sampling(
                        candidates, cutRules != null ? cutRules : SearchConfig.Sampling.DEFAULT.rules()))
                .with(new SearchConfig.Ranking(
                        ranking,
                        NoiseRanking.Settings.DEFAULT.withBatches(rankBatches).withInjection(noise)))
                .with(new SearchConfig.Filtering(choiceMargin, lastMargin))
                .with(new SearchConfig.FineTuning(fineTuneEpochs, fineTuneLr, tau, reference, pointsPerHalving))
                .with(new SearchConfig.FinalTraining(finalEpochs, finalLr, finalDistill))
                .withBackground(background == null ? null : io.dialnet.train.Checkpoint.resolve(background));
        RunDirectory.prepare(out, resume, overwrite, RunDirectory.SEARCH);
        Devices onDevices = device.single("search");
        Device onDevice = onDevices.primary();
        common.startEngine();
        DataRecipe.Prepared prepared = data.prepare(common.seed, 0, RunDirectory.normalizationOf(background));
        ModelSpec modelSpec = model.specFor(prepared.split().train());
        try (NDManager manager = NDManager.newBaseManager(onDevice);
                SlimmableNetwork network = ModelZoo.create(modelSpec, manager, common.seed);
                OnnxLatencyProfiler profiler =
                        new OnnxLatencyProfiler(common.threads, OnnxLatencyProfiler.defaultCacheDir())) {
            PrintWriter err = spec.commandLine().getErr();
            ProgressListener progress = new ProgressListener(err, !common.quiet);
            SearchResult result = switch (method) {
                case MultiPathSearch.METHOD ->
                    new MultiPathSearch(network, config, prepared, out, progress, lasso, epochsPerSubnet).run(resume);
                case SinglePathSearch.METHOD ->
                    new SinglePathSearch(network, config, prepared, out, progress, lasso).run(resume);
                default ->
                    new ProgressiveSearch(
                                    network,
                                    config,
                                    prepared,
                                    out,
                                    progress,
                                    latency ? onnxLatency(network, latencyBatch, profiler) : null)
                            .run(resume);
            };
            Map<String, Object> report = new LinkedHashMap<>();
            report.put("subnets", result.subnets());
            report.put("accepted", result.accepted());
            report.put("model", modelSpec);
            report.put("data", prepared.recipe());
            report.put("method", method);
            report.put("search", config);
            report.put("final_training", result.finalTraining());
            AtomicFiles.write(out.resolve(TrainCommand.RESULTS), Json.pretty(report));
            Plots.accuracyVsMacs(
                    Map.of(method, result.subnets()),
                    modelSpec.architecture() + " on " + prepared.recipe().source(),
                    false,
                    out.resolve(TrainCommand.PLOT));
            PrintWriter stdout = spec.commandLine().getOut();
            stdout.print(SubnetTable.text(result.subnets()));
            stdout.flush();
        }
        return 0;
    }

    /**
     * Latency of a plan as {@code serve} would run it: its compact ONNX graph timed on ONNX Runtime
     * in a child process, cached per machine (a plan not yet registered gets BatchNorm state for
     * the export and loses it afterwards).
     */
    static CostModel onnxLatency(SlimmableNetwork network, int batch, OnnxLatencyProfiler profiler) {
        Map<ChannelPlan, Double> cache = new HashMap<>();
        return CostModel.measured(plan -> cache.computeIfAbsent(plan, p -> {
            boolean temporary = !network.registeredPlans().containsKey(p);
            if (temporary) {
                network.register(p, false);
            }
            try {
                ModelSpec spec = network.spec();
                return profiler.measure(
                                OnnxExport.subnet(network, p, "timing", Map.of()),
                                batch,
                                spec.inputChannels(),
                                spec.inputSize())
                        .p50();
            } finally {
                if (temporary) {
                    network.unregister(p);
                }
            }
        }));
    }
}
