package io.dialnet.search;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.dialnet.data.Augmentation;
import io.dialnet.data.DataRecipe;
import io.dialnet.data.DemoData;
import io.dialnet.data.Split;
import io.dialnet.nn.ChannelPlan;
import io.dialnet.nn.Complexity;
import io.dialnet.nn.CouplingSet;
import io.dialnet.nn.Engines;
import io.dialnet.nn.Mode;
import io.dialnet.nn.ModelSpec;
import io.dialnet.nn.Pass;
import io.dialnet.nn.SlimBatchNorm;
import io.dialnet.nn.SlimmableNetwork;
import io.dialnet.nn.zoo.ModelZoo;
import io.dialnet.train.Compute;
import io.dialnet.train.EpochMetrics;
import io.dialnet.train.Strategy;
import io.dialnet.train.SubnetResult;
import io.dialnet.train.TrainConfig;
import io.dialnet.train.TrainResult;
import io.dialnet.train.Trainer;
import io.dialnet.train.TrainingListener;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.stream.IntStream;
import org.assertj.core.api.Assertions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@Tag("engine")
public class SearchTest {
    public static NDManager manager;
    /** 2,500 shipped demo images: 2,000 for training, 500 for validation, and the shipped test set. */
    public static DataRecipe.Prepared small;

    @TempDir
    Path dir;

    @BeforeAll
    public static void start() {
        Engines.start();
        Engines.setThreads(1);
        manager = NDManager.newBaseManager();
        small = DataRecipe.builder()
                .setSource(DemoData.SOURCE)
                .optImageSize(28)
                .optValidationSize(500)
                .optTrainLimit(2000)
                .optSplitSeed(1)
                .build()
                .prepare(DemoData.load());
    }

    @AfterAll
    public static void stop() {
        manager.close();
    }

    public static SlimmableNetwork cnn() {
        return ModelZoo.create(new ModelSpec("cnn", 1, 28, 10, 0), manager, 5);
    }

    public static TrainConfig recipe(int epochs) {
        return TrainConfig.builder()
                .setStrategy(Strategy.INDIVIDUAL)
                .setEpochs(epochs)
                .optBatchSize(50)
                .optLearningRate(0.05)
                .optWidths(List.of())
                .optMinWidth(0.25)
                .optDistill(false)
                .optCalibrationBatches(5)
                .optSeed(5)
                .build();
    }

    @Test
    void permutingACouplingSetKeepsTheFunction() {
        try (SlimmableNetwork net = ModelZoo.create(ModelZoo.defaultSpec("resnet20"), manager, 2);
                NDManager step = manager.newSubManager()) {
            ChannelPlan full = net.fullPlan();
            net.register(full, false);
            NDArray x = step.randomNormal(new Shape(2, 3, 32, 32));
            float[] before = net.forward(new Pass(full, Mode.EVAL, step), x).toFloatArray();
            Random random = new Random(1);
            for (CouplingSet set : net.couplingSets()) {
                int[] order = Split.permutation(set.channels(), random);
                net.permute(set, order);
            }
            float[] after = net.forward(new Pass(full, Mode.EVAL, step), x).toFloatArray();
            for (int i = 0; i < before.length; i++) {
                assertThat(after[i]).isCloseTo(before[i], within(1e-4f));
            }
        }
    }

    @Test
    void noiseRankingDependsOnItsSeedNotOnEarlierRandomDraws() {
        try (SlimmableNetwork net = cnn();
                NDManager scratch = manager.newSubManager()) {
            new Trainer(net, recipe(1), small, null, null, 0).train(false);
            NoiseRanking.Settings settings = NoiseRanking.Settings.DEFAULT.withBatches(5);
            Map<Integer, double[]> first = NoiseRanking.rank(
                            net, net.fullPlan(), small.trainLoader(), Augmentation.NONE, 50, settings, 7)
                    .importance();
            scratch.randomNormal(new Shape(1000));
            Map<Integer, double[]> second = NoiseRanking.rank(
                            net, net.fullPlan(), small.trainLoader(), Augmentation.NONE, 50, settings, 7)
                    .importance();
            assertThat(second.keySet()).isEqualTo(first.keySet());
            first.forEach((set, importance) -> assertThat(second.get(set)).containsExactly(importance));
        }
    }

    @Test
    void noiseRankingPutsPlantedDeadGroupsLast() {
        try (SlimmableNetwork net = cnn()) {
            new Trainer(net, recipe(1), small, null, null, 0).train(false);
            // Groups 2 and 5 of the 128-wide hidden layer feed nothing: zero their columns in fc2.
            NDArray fc2 = net.parameters().get("fc2.weight");
            float[] w = fc2.toFloatArray();
            for (int row = 0; row < 10; row++) {
                for (int group : new int[] {2, 5}) {
                    for (int k = 0; k < 4; k++) {
                        w[row * 128 + group * 4 + k] = 0;
                    }
                }
            }
            Engines.fill(fc2, w);
            // 100 batches: the reward lifts every tolerant group's scale by Adam's full step until the loss
            // pushes back, so the dead groups stand apart only after the others have stopped rising
            for (NoiseRanking.Injection injection : NoiseRanking.Injection.values()) {
                Map<Integer, double[]> importance = NoiseRanking.rank(
                                net,
                                net.fullPlan(),
                                small.trainLoader(),
                                Augmentation.NONE,
                                50,
                                NoiseRanking.Settings.DEFAULT.withBatches(100).withInjection(injection),
                                3)
                        .importance();
                double[] hidden = importance.get(2);
                double[] sorted = hidden.clone();
                Arrays.sort(sorted);
                assertThat(hidden[2]).as(injection.name()).isLessThanOrEqualTo(sorted[1]);
                assertThat(hidden[5]).as(injection.name()).isLessThanOrEqualTo(sorted[1]);
            }
            assertThat(net.parameters().get("fc2.weight").toFloatArray()).containsExactly(w);
        }
    }

    /**
     * Issue 10, ranking ablation: the default reward for noise (lambda 10 over the mean log-scale)
     * keeps the noise ranking's global cut near random rankings'. At lambda 0.1 the reward per
     * group (lambda / groups) was too weak to hold the scales against the loss: they all shrank
     * and ranked by chance (one draw on AVX-512: the cut kept 28.6 % against 75.1 % for random rankings;
     * ResNet-20's first protocol cut: 20.6 % against 47.9 %). At the default (lambda 10, 400 batches)
     * it keeps 76.5 % here against 76.2 % for random rankings, both averaged over seeds 0-2 (AVX2): on
     * this network the ranking does not beat random ones; on ResNet-20 it does. Both sides are means
     * over the same seeds because one draw moves by about 10 points (seed 5 kept 64.6 % on AVX2), which
     * failed a single-draw test on a machine whose kernels differ; the bound 0.8 x random lies between
     * the defect (lambda 0.1 and 200 batches: 16.2 % here on AVX2, 0.21 x random) and today's (1.0).
     */
    @Test
    void theNoiseRankingsCutKeepsNearlyTheAccuracyOfRandomRankings() {
        Path background = dir.resolve("background").resolve(Trainer.CHECKPOINT);
        try (SlimmableNetwork net = cnn()) {
            new Trainer(net, recipe(2), small, background.getParent(), null, 0).train(false);
        }
        double noise = 0;
        double random = 0;
        int draws = 3;
        for (int seed = 0; seed < draws; seed++) {
            noise += accuracyAfterOneGlobalCut(background, SearchConfig.Ranking.Kind.NOISE, seed) / draws;
            random += accuracyAfterOneGlobalCut(background, SearchConfig.Ranking.Kind.RANDOM, seed) / draws;
        }
        assertThat(noise).isGreaterThan(0.8 * random);
    }

    /** Ranks the trained {@code background} with {@code kind}, cuts globally to 30 % of the MACs, calibrates. */
    private double accuracyAfterOneGlobalCut(Path background, SearchConfig.Ranking.Kind kind, int seed) {
        SearchConfig config = search(List.of(0.3), 0).toBuilder()
                .setRecipe(recipe(1).toBuilder().optSeed(seed).build())
                .optBackground(background)
                .optRanking(SearchConfig.Ranking.DEFAULT.withKind(kind))
                .optSampling(new SearchConfig.Sampling(1, List.of(CutRule.GLOBAL)))
                .optFineTuning(new SearchConfig.FineTuning(0, 0.01, 0, SearchConfig.FineTuning.Reference.PREVIOUS, 0))
                .build();
        try (SlimmableNetwork net = cnn()) {
            return new ProgressiveSearch(net, config, small, dir.resolve(kind + "-" + seed), null)
                    .run(false)
                    .accepted()
                    .get(1)
                    .accuracy();
        }
    }

    @Test
    void candidatesMeetTheTargetAndNestInTheRankedPlan() {
        try (SlimmableNetwork net = ModelZoo.create(ModelZoo.defaultSpec("resnet20"), manager, 2)) {
            ChannelPlan base = net.uniformPlan(0.75);
            Random random = new Random(4);
            Map<Integer, double[]> importance = new LinkedHashMap<>();
            for (CouplingSet set : net.couplingSets()) {
                double[] imp = random.doubles(base.channels(set.index()) / set.groupSize(), 0.1, 1)
                        .toArray();
                Arrays.sort(imp);
                for (int i = 0; i < imp.length / 2; i++) {
                    double t = imp[i];
                    imp[i] = imp[imp.length - 1 - i];
                    imp[imp.length - 1 - i] = t;
                }
                importance.put(set.index(), imp);
            }
            long full = Complexity.of(net, net.fullPlan()).macs();
            CostModel macs = CostModel.macs(net);
            List<CandidateSampler.Sampled> candidates = new CandidateSampler(net)
                    .candidates(
                            base,
                            importance,
                            macs,
                            0.3 * full,
                            new SearchConfig.Sampling(5, SearchConfig.Sampling.DEFAULT.rules()),
                            9);
            assertThat(candidates).hasSizeGreaterThanOrEqualTo(3);
            assertThat(candidates)
                    .extracting(CandidateSampler.Sampled::rule)
                    .contains(CutRule.GLOBAL, CutRule.MACS_WEIGHTED, CutRule.UNIFORM);
            for (CandidateSampler.Sampled c : candidates) {
                assertThat(Complexity.of(net, c.plan()).macs()).isLessThanOrEqualTo((long) (0.3 * full));
                assertThat(c.plan().nestsIn(base)).isTrue();
                assertThat(c.plan().toList()).allSatisfy(ch -> assertThat(ch).isGreaterThanOrEqualTo(4));
            }
            assertThat(new CandidateSampler(net)
                            .candidates(base, importance, macs, 10, SearchConfig.Sampling.DEFAULT, 1))
                    .isEmpty();
        }
    }

    record P(double cost, double accuracy) implements Pareto.Point {}

    @Test
    void paretoFilterKeepsExactlyTheNonDominated() {
        P a = new P(10, 0.80);
        P b = new P(8, 0.82); // dominates a
        P c = new P(5, 0.70);
        P d = new P(5, 0.69); // dominated by c
        P e = new P(3, 0.60);
        assertThat(Pareto.nonDominated(List.of(a, b, c, d, e), List.of())).containsExactly(b, c, e);
        assertThat(Pareto.nonDominated(List.of(c, e), List.of(new P(4, 0.75)))).containsExactly(e);
    }

    @Test
    void fineTuningRunsIfAndOnlyIfTheDropExceedsTau() {
        SearchConfig.FineTuning ft =
                new SearchConfig.FineTuning(1, 0.01, 1.0, SearchConfig.FineTuning.Reference.PREVIOUS, 2.5);
        assertThat(ft.needed(0.90, 0.895)).isFalse();
        assertThat(ft.needed(0.90, 0.890)).isFalse();
        assertThat(ft.needed(0.90, 0.889)).isTrue();
        assertThat(new SearchConfig.FineTuning(1, 0.01, 0.0, SearchConfig.FineTuning.Reference.PREVIOUS, 2.5)
                        .needed(0.90, 0.95))
                .isFalse();
        assertThat(new SearchConfig.FineTuning(0, 0.01, 1.0, SearchConfig.FineTuning.Reference.PREVIOUS, 2.5)
                        .needed(0.90, 0.10))
                .as("0 epochs: never")
                .isFalse();
    }

    /** Issue 10, defect 3: a drop the reference line expects for a smaller subnet needs no fine-tuning. */
    @Test
    void fineTuningIsSkippedWhenTheDropStaysWithinTauOfTheReferenceLine() {
        SearchConfig.FineTuning line = SearchConfig.FineTuning.DEFAULT; // 2.5 points per halving, tau 1
        // a quarter of the MACs is two halvings: the line expects 90 - 5 = 85 %
        double reference = line.reference(0.90, 0.88, 0.25);
        assertThat(reference).isCloseTo(0.85, within(1e-12));
        assertThat(line.needed(reference, 0.845))
                .as("0.5 points below the line")
                .isFalse();
        assertThat(line.needed(reference, 0.835))
                .as("1.5 points below the line")
                .isTrue();
        // against the previous subnet, the same cut would always be fine-tuned
        SearchConfig.FineTuning previous =
                new SearchConfig.FineTuning(2, 0.01, 1.0, SearchConfig.FineTuning.Reference.PREVIOUS, 2.5);
        assertThat(previous.needed(previous.reference(0.90, 0.88, 0.25), 0.845)).isTrue();
    }

    /** Issue 10, defect 6: the last filter no longer drops a subnet on validation noise. */
    @Test
    void lastFilterDropsASubnetOnlyWhenASmallerOneIsClearlyMoreAccurate() {
        SubnetResult big = new SubnetResult("s1", List.of(), 100, 1, 0.8000, null);
        SubnetResult mid = new SubnetResult("s2", List.of(), 50, 1, 0.8007, null);
        SubnetResult small = new SubnetResult("s3", List.of(), 20, 1, 0.70, null);
        assertThat(SearchRun.dropDominated(List.of(big, mid, small), 0.5)).containsExactly(big, mid, small);
        assertThat(SearchRun.dropDominated(List.of(big, mid, small), 0)).containsExactly(mid, small);
        SubnetResult clearlyBetter = new SubnetResult("s2", List.of(), 50, 1, 0.81, null);
        assertThat(SearchRun.dropDominated(List.of(big, clearlyBetter, small), 0.5))
                .containsExactly(clearlyBetter, small);
    }

    /** Issue 10, defect 2: a candidate an accepted subnet beats on cost and accuracy is not accepted. */
    @Test
    void filteringAcceptsNoCandidateThatAnAcceptedSubnetDominates() {
        // measured latency: the accepted subnet is faster than both cut candidates and more accurate
        List<P> accepted = List.of(new P(4.0, 0.90), new P(2.0, 0.85));
        List<P> candidates = List.of(new P(2.1, 0.84), new P(2.5, 0.80));
        assertThat(Pareto.choose(candidates, accepted, 0)).isEmpty();
        P good = new P(1.5, 0.82);
        assertThat(Pareto.choose(List.of(candidates.get(0), good), accepted, 0)).contains(good);
        // within the choice margin, the cheaper of two candidates wins
        P cheaper = new P(1.0, 0.818);
        assertThat(Pareto.choose(List.of(good, cheaper), accepted, 0)).contains(good);
        assertThat(Pareto.choose(List.of(good, cheaper), accepted, 0.5)).contains(cheaper);
    }

    /**
     * Issue 10, defect 1: importances are compared across coupling sets, not divided by each set's
     * mean. Every group of set 0 matters more than any of set 1's, but set 0's differ among
     * themselves: divided by its mean, its weakest scores 1 / 4 against set 1's 0.1 / 0.1, so the old
     * rule cut set 0.
     */
    @Test
    void theGlobalCutTakesTheDeadSetBeforeTheSetWhoseGroupsAllMatter() {
        double[][] importance = {{5.0, 5.0, 5.0, 1.0}, {0.1, 0.1, 0.1, 0.1}};
        int[] kept = {4, 4};
        long[] saved = {100, 100};
        for (CutRule rule : List.of(CutRule.GLOBAL, CutRule.MACS_WEIGHTED)) {
            assertThat(rule.next(importance, kept, kept.clone(), saved, null))
                    .as(rule.name())
                    .isEqualTo(1);
        }
        double[][] noJitter = {{1, 1, 1, 1}, {1, 1, 1, 1}};
        assertThat(CutRule.RANDOM.next(importance, kept, kept.clone(), saved, noJitter))
                .isEqualTo(1);
    }

    /** Issue 10, defect 1: a residual stream's noise is shared among its injection points. */
    @Test
    void noiseIsSharedAmongTheInjectionPointsOfASet() {
        try (SlimmableNetwork net = ModelZoo.create(ModelZoo.defaultSpec("resnet20"), manager, 2)) {
            Map<Integer, Integer> points = NoiseRanking.injectionPoints(net, NoiseRanking.Injection.ACTIVATIONS);
            // stage 1's stream: the stem and three blocks; stage 2's and 3's: three blocks and the projection
            List<Integer> streams = net.couplingSets().stream()
                    .filter(s -> points.get(s.index()) > 1)
                    .map(s -> points.get(s.index()))
                    .toList();
            assertThat(streams).containsExactly(4, 4, 4);
            assertThat(points.values().stream().filter(n -> n == 1)).hasSize(9);
            Map<Integer, Integer> writers = NoiseRanking.injectionPoints(net, NoiseRanking.Injection.WEIGHTS);
            assertThat(writers).isEqualTo(points);
        }
    }

    /**
     * Issue 10, defect 1: a set's noise is split among its injection points, so that its scale
     * means the same total noise whatever the set: a residual stream's 4 BatchNorms each add noise
     * of std a / 2 (variance a^2 in all), a block's inner set its one BatchNorm's a.
     */
    @Test
    void aSetsNoiseIsSplitAmongItsInjectionPoints() {
        try (SlimmableNetwork net = ModelZoo.create(ModelZoo.defaultSpec("resnet20"), manager, 2);
                NDManager scratch = manager.newSubManager()) {
            Map<Integer, Integer> points = NoiseRanking.injectionPoints(net, NoiseRanking.Injection.ACTIVATIONS);
            Map<Integer, NDArray> logScale = new LinkedHashMap<>();
            net.couplingSets()
                    .forEach(set ->
                            logScale.put(set.index(), scratch.full(new Shape(set.groups()), (float) Math.log(0.5))));
            NoiseRanking.NoiseHook hook = new NoiseRanking.NoiseHook(net, logScale, NoiseRanking.Injection.ACTIVATIONS);
            Pass pass = new Pass(net.fullPlan(), Mode.EVAL, scratch, hook);
            Set<Integer> seen = new HashSet<>();
            for (SlimBatchNorm norm : net.norms()) {
                int n = points.get(norm.set().index());
                if (!norm.set().prunable() || !seen.add(n)) {
                    continue; // one BatchNorm of each kind: a stream's (4 points) and an inner set's (1)
                }
                NDArray y = scratch.randomNormal(new Shape(32, norm.set().channels(), 8, 8));
                float[] noise = hook.afterNorm(norm, y, pass).sub(y).toFloatArray();
                double variance = Arrays.stream(toDoubles(noise))
                        .map(v -> v * v)
                        .average()
                        .orElseThrow();
                assertThat(Math.sqrt(variance)).as(n + " points").isCloseTo(0.5 / Math.sqrt(n), within(0.01));
            }
            assertThat(seen).containsExactlyInAnyOrder(1, 4);
        }
    }

    private static double[] toDoubles(float[] values) {
        return IntStream.range(0, values.length).mapToDouble(i -> values[i]).toArray();
    }

    /** Issue 10, defect 5: the ranking trains for the batches it is given, going round the data. */
    @Test
    void noiseRankingTrainsForEveryConfiguredBatchEvenPastOnePass() {
        try (SlimmableNetwork net = cnn()) {
            new Trainer(net, recipe(1), small, null, null, 0).train(false);
            int perPass = small.split().train().size() / 50;
            NoiseRanking.Result r = NoiseRanking.rank(
                    net,
                    net.fullPlan(),
                    small.trainLoader(),
                    Augmentation.NONE,
                    50,
                    NoiseRanking.Settings.DEFAULT.withBatches(perPass + 7),
                    7);
            assertThat(r.batches()).isEqualTo(perPass + 7);
            assertThat(r.images()).isEqualTo(50L * (perPass + 7));
        }
    }

    /** Issue 10, defect 6: a plan already within the next budget is still cut, so no candidate is an accepted plan. */
    @Test
    void candidatesAreNeverThePlanTheyAreCutFrom() {
        try (SlimmableNetwork net = ModelZoo.create(ModelZoo.defaultSpec("resnet20"), manager, 2)) {
            ChannelPlan base = net.uniformPlan(0.5);
            Map<Integer, double[]> importance = ProgressiveSearch.randomImportance(net, base, 3);
            importance.replaceAll((set, imp) ->
                    Arrays.stream(imp).map(v -> -v).sorted().map(v -> -v).toArray());
            long full = Complexity.of(net, net.fullPlan()).macs();
            // the budget admits the base plan itself
            List<CandidateSampler.Sampled> candidates = new CandidateSampler(net)
                    .candidates(base, importance, CostModel.macs(net), 0.9 * full, SearchConfig.Sampling.DEFAULT, 1);
            assertThat(candidates).isNotEmpty();
            assertThat(candidates).allSatisfy(c -> {
                assertThat(c.plan()).isNotEqualTo(base);
                assertThat(c.plan().nestsIn(base)).isTrue();
            });
        }
    }

    /** Issue 10, defect 8: measured latency need not fall along a cut path, so the path is walked, not bisected. */
    @Test
    void aMeasuredCostIsSearchedWithoutAssumingItFallsAlongThePath() {
        List<ChannelPlan> path = List.of(
                ChannelPlan.of(20), ChannelPlan.of(16), ChannelPlan.of(12), ChannelPlan.of(8), ChannelPlan.of(4));
        Map<ChannelPlan, Double> ms =
                Map.of(path.get(0), 5.0, path.get(1), 3.0, path.get(2), 6.0, path.get(3), 6.0, path.get(4), 2.0);
        CostModel latency = CostModel.measured(ms::get);
        assertThat(CandidateSampler.firstWithin(path, latency, 3.5)).isEqualTo(path.get(1));
        assertThat(CandidateSampler.firstWithin(path, latency, 1.0)).isNull();
    }

    public static SearchConfig search(List<Double> targets, int finalEpochs) {
        return SearchConfig.builder()
                .setTargets(targets)
                .setRecipe(recipe(1))
                .optSampling(new SearchConfig.Sampling(3, SearchConfig.Sampling.DEFAULT.rules()))
                .optRanking(SearchConfig.Ranking.DEFAULT.withNoise(NoiseRanking.Settings.DEFAULT.withBatches(15)))
                .optFineTuning(new SearchConfig.FineTuning(1, 0.01, 1.0, SearchConfig.FineTuning.Reference.LINE, 2.5))
                .optFinalTraining(new SearchConfig.FinalTraining(finalEpochs, 0.01, false))
                .build();
    }

    @Test
    void searchAcceptsNestedPlansWithinTargetsAndResumes() throws IOException {
        List<AcceptedSubnet> first;
        try (SlimmableNetwork net = cnn()) {
            first = new ProgressiveSearch(net, search(List.of(0.5), 0), small, dir, null)
                    .run(false)
                    .accepted();
        }
        assertThat(first).hasSize(2);
        try (SlimmableNetwork net = cnn()) {
            SearchResult result = new ProgressiveSearch(net, search(List.of(0.5, 0.2), 1), small, dir, null).run(true);
            List<AcceptedSubnet> accepted = result.accepted();
            assertThat(accepted).hasSize(3);
            assertThat(accepted.get(1).plan()).isEqualTo(first.get(1).plan());
            long full = accepted.get(0).macs();
            assertThat(accepted.get(1).macs()).isLessThanOrEqualTo((long) (0.5 * full));
            assertThat(accepted.get(2).macs()).isLessThanOrEqualTo((long) (0.2 * full));
            for (int i = 1; i < accepted.size(); i++) {
                assertThat(accepted.get(i).plan().nestsIn(accepted.get(i - 1).plan()))
                        .isTrue();
            }
            assertThat(result.subnets()).isNotEmpty();
            assertThat(result.subnets().get(result.subnets().size() - 1).validationAccuracy())
                    .isGreaterThan(0.5);
        }
        List<String> log = Files.readAllLines(dir.resolve(SearchRun.LOG));
        assertThat(log.stream().filter(l -> l.contains("\"background\""))).hasSize(1);
        assertThat(log.stream().filter(l -> l.contains("\"candidate\""))).hasSizeGreaterThanOrEqualTo(2);
        assertThat(log.stream().filter(l -> l.contains("\"accept\""))).hasSize(2);
        assertThat(dir.resolve("final").resolve(Trainer.CHECKPOINT)).exists();
    }

    @Test
    void singlePathFreezesNestedSubnetsWithTheirOwnBatchNormAndResumes() {
        SearchConfig config = SearchConfig.builder()
                .setTargets(List.of(0.5, 0.25))
                .setRecipe(recipe(3))
                .optFinalTraining(new SearchConfig.FinalTraining(0, 0.01, false))
                .build();
        assertThat(SinglePathSearch.freezeEpoch(0, 2, 3)).isEqualTo(1);
        assertThat(SinglePathSearch.freezeEpoch(1, 2, 3)).isEqualTo(2);
        // the protocol's, registered in docs/RESULTS.md: three subnets frozen after epochs 4, 8 and 11 of 15
        assertThat(IntStream.range(0, 3).map(k -> SinglePathSearch.freezeEpoch(k, 3, 15)))
                .containsExactly(4, 8, 11);
        try (SlimmableNetwork net = cnn()) {
            TrainingListener killAfterTwo = new TrainingListener() {
                @Override
                public void epochEnded(EpochMetrics metrics) {
                    if (metrics.epoch() == 2) {
                        throw new IllegalStateException("killed");
                    }
                }
            };
            Assertions.assertThatThrownBy(
                            () -> new SinglePathSearch(net, config, small, dir, killAfterTwo, 1e-4).run(false))
                    .hasMessage("killed");
        }
        try (SlimmableNetwork net = cnn()) {
            SearchResult result = new SinglePathSearch(net, config, small, dir, null, 1e-4).run(true);
            List<AcceptedSubnet> accepted = result.accepted();
            assertThat(accepted).extracting(AcceptedSubnet::name).containsExactly("s1", "s2", "s3");
            long full = accepted.get(0).macs();
            assertThat(accepted.get(1).macs()).isLessThanOrEqualTo(full / 2);
            assertThat(accepted.get(2).macs()).isLessThanOrEqualTo(full / 4);
            assertThat(accepted.get(2).plan().nestsIn(accepted.get(1).plan())).isTrue();
            assertThat(accepted).allSatisfy(a -> assertThat(a.accuracy()).isGreaterThan(0.5));
            // issue 10, defect 7: every subnet has switchable BatchNorm (its own scale and shift)
            assertThat(net.registeredPlans())
                    .hasSize(3)
                    .allSatisfy((plan, privateAffine) ->
                            assertThat(privateAffine).as(plan.toString()).isTrue());
        }
    }

    /** A subnet joining mid-run starts from the BatchNorm state of the subnet it was cut from. */
    @Test
    void aSubnetRegisteredFromAParentStartsFromItsBatchNorm() {
        try (SlimmableNetwork net = cnn()) {
            ChannelPlan full = net.fullPlan();
            net.register(full, true);
            SlimBatchNorm norm = net.norms().get(0);
            NDArray gamma = norm.state(full).gamma();
            int c = (int) gamma.getShape().get(0);
            float[] values = new float[c];
            for (int i = 0; i < c; i++) {
                values[i] = 2 + i;
            }
            Engines.fill(gamma, values);
            Engines.fill(norm.state(full).mean(), values);
            ChannelPlan half = net.uniformPlan(0.5);
            net.register(half, true, full);
            int h = half.channels(norm.set().index());
            assertThat(norm.state(half).gamma().toFloatArray()).containsExactly(Arrays.copyOf(values, h));
            assertThat(norm.state(half).mean().toFloatArray()).containsExactly(Arrays.copyOf(values, h));
        }
    }

    /** Issue 10, defect 4: the final joint training sums cross-entropy unless distillation is asked for. */
    @Test
    void finalJointTrainingSumsCrossEntropyByDefault() {
        try (SlimmableNetwork net = cnn()) {
            SearchResult result = new ProgressiveSearch(net, search(List.of(0.5), 1), small, dir, null).run(false);
            assertThat(result.finalTraining().config().distill()).isFalse();
            assertThat(result.finalTraining().config().strategy()).isEqualTo(Strategy.JOINT);
        }
    }

    /** Issue 10, defects 9 and 5: fine-tuning checkpoints every epoch, resumes, and every phase is counted. */
    @Test
    void fineTuningCheckpointsAndAnInterruptedSearchResumesInsideIt() throws IOException {
        // tau 0 against the previous subnet: a cut to 15 % of the MACs that loses anything is fine-tuned, 2 epochs
        SearchConfig config = search(List.of(0.15), 0).toBuilder()
                .optFineTuning(new SearchConfig.FineTuning(2, 0.01, 0, SearchConfig.FineTuning.Reference.PREVIOUS, 2.5))
                .build();
        TrainingListener killInFineTuning = new TrainingListener() {
            @Override
            public void epochEnded(EpochMetrics metrics) {
                if (metrics.epoch() == 1
                        && Files.exists(dir.resolve("finetune-1").resolve(Trainer.CHECKPOINT))) {
                    throw new IllegalStateException("killed");
                }
            }
        };
        try (SlimmableNetwork net = cnn()) {
            Assertions.assertThatThrownBy(
                            () -> new ProgressiveSearch(net, config, small, dir, killInFineTuning).run(false))
                    .hasMessage("killed");
        }
        assertThat(dir.resolve("finetune-1").resolve(Trainer.CHECKPOINT)).exists();
        SearchResult result;
        try (SlimmableNetwork net = cnn()) {
            result = new ProgressiveSearch(net, config, small, dir, null).run(true);
        }
        assertThat(result.accepted()).hasSize(2);
        assertThat(result.accepted().get(1).fineTuned()).isTrue();
        List<String> log = Files.readAllLines(dir.resolve(SearchRun.LOG));
        // the resumed run went straight back into the fine-tuning: one ranking, one set of candidates
        assertThat(log.stream().filter(l -> l.contains("\"ranked\""))).hasSize(1);
        assertThat(log.stream().filter(l -> l.contains("\"ranked\"")))
                .allMatch(l -> l.contains("\"importance\":{\"0\":["));
        assertThat(log.stream().filter(l -> l.contains("\"accept\""))).hasSize(1);
        Compute c = result.compute();
        long rankImages = 15L * 50;
        assertThat(c.ranking())
                .isEqualTo(Compute.RANKING_PASSES
                        * rankImages
                        * (double) result.accepted().get(0).macs());
        assertThat(c.training()).isGreaterThan(0);
        assertThat(c.calibration()).isGreaterThan(0);
        assertThat(c.evaluation()).isGreaterThan(0);
    }

    /**
     * Issue 10, defect 9: the final joint training checkpoints every epoch, and a search killed
     * inside it resumes there: no new ranking, and only its second epoch is trained again (a
     * restarted phase would train both).
     */
    @Test
    void finalTrainingCheckpointsAndAnInterruptedSearchResumesInsideIt() throws IOException {
        SearchConfig config = search(List.of(0.5), 2);
        Path finalRun = dir.resolve("final");
        TrainingListener killInFinalTraining = new TrainingListener() {
            @Override
            public void epochEnded(EpochMetrics metrics) {
                if (metrics.epoch() == 1 && Files.exists(finalRun.resolve(Trainer.CHECKPOINT))) {
                    throw new IllegalStateException("killed");
                }
            }
        };
        try (SlimmableNetwork net = cnn()) {
            Assertions.assertThatThrownBy(
                            () -> new ProgressiveSearch(net, config, small, dir, killInFinalTraining).run(false))
                    .hasMessage("killed");
        }
        List<Integer> trainedOnResume = new ArrayList<>();
        TrainingListener counting = new TrainingListener() {
            @Override
            public void epochEnded(EpochMetrics metrics) {
                trainedOnResume.add(metrics.epoch());
            }
        };
        SearchResult result;
        try (SlimmableNetwork net = cnn()) {
            result = new ProgressiveSearch(net, config, small, dir, counting).run(true);
        }
        assertThat(result.subnets()).isNotEmpty();
        assertThat(trainedOnResume).containsExactly(2);
        assertThat(Files.readAllLines(finalRun.resolve(Trainer.METRICS))).hasSize(2);
        List<String> log = Files.readAllLines(dir.resolve(SearchRun.LOG));
        assertThat(log.stream().filter(l -> l.contains("\"ranked\""))).hasSize(1);
    }

    @Test
    void multiPathRetrainsEachSubnetInItsOwnResumablePhaseAndCutsToEachTarget() throws IOException {
        try (SlimmableNetwork net = cnn()) {
            SearchResult result =
                    new MultiPathSearch(net, search(List.of(0.5, 0.25), 0), small, dir, null, 1e-3, 1).run(false);
            List<AcceptedSubnet> accepted = result.accepted();
            assertThat(accepted).hasSize(3);
            long full = accepted.get(0).macs();
            assertThat(accepted.get(1).macs()).isLessThanOrEqualTo(full / 2);
            assertThat(accepted.get(2).macs()).isLessThanOrEqualTo(full / 4);
            assertThat(accepted.get(2).plan().nestsIn(accepted.get(1).plan())).isTrue();
            assertThat(accepted.get(2).accuracy()).isGreaterThan(0.3);
        }
        assertThat(dir.resolve("retrain-1").resolve(Trainer.CHECKPOINT)).exists();
        assertThat(dir.resolve("retrain-2").resolve(Trainer.CHECKPOINT)).exists();
        assertThat(Files.readString(dir.resolve(SearchRun.LOG))).contains("\"method\":\"multipath\"");
    }

    @Test
    void computeCountsForwardAndBackwardPassesByPhase() {
        TrainResult run = new TrainResult("individual", recipe(1), List.of(), 1000, 50, 2, 1, List.of(), Map.of());
        assertThat(Compute.of(run)).isEqualTo(new Compute(3000, 0, 50, 0, 2));
        assertThat(Compute.ranking(10, 100, 1).ranking()).isEqualTo(2000);
        assertThat(Compute.of(run).plus(Compute.forward(10, 100, false, 1)).total())
                .isEqualTo(4050);
    }

    /**
     * The ranking ablation's L1 baseline (search --ranking l1) sums the absolute weights of each
     * group's filters, which orders groups differently from their L2 norm: one weight of 2 against
     * four of 0.6 is 2 against 2.4 in L1, 2 against 1.2 in L2.
     */
    @Test
    void theL1RankingSumsEachGroupsAbsoluteWeights() {
        try (SlimmableNetwork net = cnn()) {
            NDArray fc1 = net.parameters().get("fc1.weight");
            long inputs = fc1.getShape().get(1);
            float[] w = new float[(int) fc1.size()];
            w[0] = -2f; // group 0 (rows 0-3): one weight
            for (int row = 4; row < 8; row++) {
                w[(int) (row * inputs)] = 0.6f; // group 1 (rows 4-7): four weights
            }
            Engines.fill(fc1, w);
            int hidden = 2; // fc1's coupling set
            double[] l1 = GroupNorms.l1(net, net.fullPlan()).get(hidden);
            double[] l2 = GroupNorms.importance(net, net.fullPlan()).get(hidden);
            assertThat(l1[0]).isCloseTo(2.0, within(1e-6));
            assertThat(l1[1]).isCloseTo(2.4, within(1e-6));
            assertThat(l1[2]).isZero();
            assertThat(l2[1]).isLessThan(l2[0]);
        }
    }

    @Test
    void groupLassoPenalisesEachGroupsNorm() {
        try (SlimmableNetwork net = cnn();
                NDManager scratch = manager.newSubManager()) {
            Map<Integer, double[]> norms = GroupNorms.importance(net, net.fullPlan());
            double sum = norms.values().stream().flatMapToDouble(Arrays::stream).sum();
            float penalty = GroupNorms.lasso(0.5).penalty(net, scratch).getFloat();
            assertThat((double) penalty).isCloseTo(0.5 * sum, within(1e-3 * sum));
        }
    }
}
