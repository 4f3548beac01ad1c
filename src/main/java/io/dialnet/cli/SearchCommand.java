package io.dialnet.cli;

import ai.djl.Device;
import io.dialnet.experiment.RunDirectory;
import io.dialnet.experiment.SearchPlan;
import io.dialnet.report.SubnetTable;
import io.dialnet.search.CutRule;
import io.dialnet.search.NoiseRanking;
import io.dialnet.search.SearchConfig;
import io.dialnet.search.SearchResult;
import io.dialnet.train.Checkpoint;
import io.dialnet.train.TrainConfig;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code dialnet search}: finds and trains nested subnets for a list of cost targets. */
@Command(name = "search", mixinStandardHelpOptions = true)
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

    @Option(names = "--method", defaultValue = "progressive")
    String method;

    @Option(names = "--lasso", defaultValue = "1e-4")
    double lasso;

    @Option(names = "--epochs-per-subnet", defaultValue = "2")
    int epochsPerSubnet;

    @Mixin
    ModelOptions model;

    @Option(names = "--targets", required = true, split = ",", paramLabel = "T")
    List<Double> targets;

    @Option(names = "--latency")
    boolean latency;

    @Option(names = "--latency-batch", defaultValue = "1")
    int latencyBatch;

    @Option(names = "--ranking", defaultValue = "noise")
    SearchConfig.Ranking.Kind ranking;

    @Option(names = "--candidates", defaultValue = "4")
    int candidates;

    @Option(names = "--cut-rules", split = ",")
    List<CutRule> cutRules;

    @Option(names = "--choice-margin", defaultValue = "0")
    double choiceMargin;

    @Option(names = "--last-margin", defaultValue = "0.5")
    double lastMargin;

    @Option(names = "--tau", defaultValue = "1.0")
    double tau;

    @Option(names = "--reference", defaultValue = "line")
    SearchConfig.FineTuning.Reference reference;

    @Option(names = "--points-per-halving", defaultValue = "2.5")
    double pointsPerHalving;

    @Option(names = "--rank-batches", defaultValue = "200")
    int rankBatches;

    @Option(names = "--noise", defaultValue = "activations")
    NoiseRanking.Injection noise;

    @Option(names = "--background", paramLabel = "CHECKPOINT")
    Path background;

    @Option(names = "--fine-tune-epochs", defaultValue = "2")
    int fineTuneEpochs;

    @Option(names = "--fine-tune-lr", defaultValue = "0.01")
    double fineTuneLr;

    @Option(names = "--final-epochs", defaultValue = "5")
    int finalEpochs;

    @Option(names = "--final-lr", defaultValue = "0.02")
    double finalLr;

    @Option(names = "--final-distill")
    boolean finalDistill;

    @Option(names = "--out", required = true, paramLabel = "DIR")
    Path out;

    @Option(names = "--resume")
    boolean resume;

    @Option(names = "--overwrite")
    boolean overwrite;

    @Override
    public Integer call() {
        model.requireKnown();
        SearchPlan.requireMethod(method);
        training.strategy = "individual";
        SearchPlan plan = new SearchPlan(
                method,
                searchConfig(training.toConfig(common.seed)),
                lasso,
                epochsPerSubnet,
                model.model,
                model.groupSize,
                out,
                resume);
        RunDirectory.prepare(out, resume, overwrite, RunDirectory.SEARCH);
        Device onDevice = device.single("search").primary();
        common.startEngine();
        PrintWriter err = spec.commandLine().getErr();
        SearchResult result =
                plan.run(data.request(), onDevice, common.threads, new ProgressListener(err, !common.quiet));
        PrintWriter stdout = spec.commandLine().getOut();
        stdout.print(SubnetTable.text(result.subnets()));
        stdout.flush();
        return 0;
    }

    /** The search's settings from the options, every arm's recipe {@code recipe}. */
    private SearchConfig searchConfig(TrainConfig recipe) {
        return SearchConfig.of(targets, recipe)
                .withLatency(latency, latencyBatch)
                .with(new SearchConfig.Sampling(
                        candidates, cutRules != null ? cutRules : SearchConfig.Sampling.DEFAULT.rules()))
                .with(new SearchConfig.Ranking(
                        ranking,
                        NoiseRanking.Settings.DEFAULT.withBatches(rankBatches).withInjection(noise)))
                .with(new SearchConfig.Filtering(choiceMargin, lastMargin))
                .with(new SearchConfig.FineTuning(fineTuneEpochs, fineTuneLr, tau, reference, pointsPerHalving))
                .with(new SearchConfig.FinalTraining(finalEpochs, finalLr, finalDistill))
                .withBackground(background == null ? null : Checkpoint.resolve(background));
    }
}
