package io.dialnet.cli;

import ai.djl.Device;
import io.dialnet.experiment.RunDirectory;
import io.dialnet.experiment.SearchPlan;
import io.dialnet.report.SubnetTable;
import io.dialnet.search.CutRule;
import io.dialnet.search.NoiseRanking;
import io.dialnet.search.SearchConfig;
import io.dialnet.search.SearchMethod;
import io.dialnet.search.SearchResult;
import io.dialnet.train.Checkpoint;
import io.dialnet.train.Strategy;
import io.dialnet.train.TrainConfig;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code dialnet search}: finds and trains nested subnets for a list of cost targets. */
@Command(name = "search", mixinStandardHelpOptions = true)
final class SearchCommand extends RunCommand {
    @Mixin
    TrainingOptions training;

    @Option(names = "--method", defaultValue = "progressive")
    SearchMethod method;

    @Option(names = "--lasso", defaultValue = "1e-4")
    double lasso;

    @Option(names = "--epochs-per-subnet")
    Integer epochsPerSubnet;

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

    @Option(names = "--rank-batches", defaultValue = "400")
    int rankBatches;

    @Option(names = "--rank-lambda", defaultValue = "10")
    double rankLambda;

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

    @Override
    public Integer call() {
        model.requireKnown();
        SearchPlan plan = new SearchPlan(
                method,
                searchConfig(training.toConfig(Strategy.INDIVIDUAL, common.seed)),
                lasso,
                epochsPerSubnet(),
                model.model,
                model.groupSize,
                out,
                resume);
        prepare(RunDirectory.SEARCH);
        Device onDevice = device.single("search").primary();
        common.startEngine();
        SearchResult result = plan.run(data.request(), onDevice, common.threads, progress());
        print(SubnetTable.text(result.subnets()));
        return 0;
    }

    /** Multi-path's retraining per subnet: {@code --epochs} unless set, a full run as DAC 2020 retrains. */
    int epochsPerSubnet() {
        return epochsPerSubnet != null ? epochsPerSubnet : training.epochs;
    }

    /** The search's settings from the options, every arm's recipe {@code recipe}. */
    private SearchConfig searchConfig(TrainConfig recipe) {
        return SearchConfig.builder()
                .setTargets(targets)
                .setRecipe(recipe)
                .optLatency(latency, latencyBatch)
                .optSampling(new SearchConfig.Sampling(
                        candidates, cutRules != null ? cutRules : SearchConfig.Sampling.DEFAULT.rules()))
                .optRanking(new SearchConfig.Ranking(
                        ranking,
                        NoiseRanking.Settings.DEFAULT
                                .withBatches(rankBatches)
                                .withInjection(noise)
                                .withLambda(rankLambda)))
                .optFiltering(new SearchConfig.Filtering(choiceMargin, lastMargin))
                .optFineTuning(
                        new SearchConfig.FineTuning(fineTuneEpochs, fineTuneLr, tau, reference, pointsPerHalving))
                .optFinalTraining(new SearchConfig.FinalTraining(finalEpochs, finalLr, finalDistill))
                .optBackground(background == null ? null : Checkpoint.resolve(background))
                .build();
    }
}
