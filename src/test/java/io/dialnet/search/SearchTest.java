package io.dialnet.search;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.dialnet.data.Augmentation;
import io.dialnet.data.DataRecipe;
import io.dialnet.data.DemoData;
import io.dialnet.nn.ChannelPlan;
import io.dialnet.nn.Complexity;
import io.dialnet.nn.CouplingSet;
import io.dialnet.nn.Engines;
import io.dialnet.nn.Mode;
import io.dialnet.nn.ModelSpec;
import io.dialnet.nn.Pass;
import io.dialnet.nn.SlimmableNetwork;
import io.dialnet.nn.zoo.ModelZoo;
import io.dialnet.train.SubnetResult;
import io.dialnet.train.TrainConfig;
import io.dialnet.train.Trainer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@Tag("engine")
class SearchTest {
    static NDManager manager;
    static DataRecipe.Prepared small;

    @TempDir
    Path dir;

    @BeforeAll
    static void start() {
        Engines.start();
        Engines.setThreads(1);
        manager = NDManager.newBaseManager();
        small = DataRecipe.prepare(DemoData.load(), DemoData.SOURCE, 28, 500, 2000, 1, null, Augmentation.NONE);
    }

    @AfterAll
    static void stop() {
        manager.close();
    }

    static SlimmableNetwork cnn() {
        return ModelZoo.create(new ModelSpec("cnn", 1, 28, 10, 0), manager, 5);
    }

    static TrainConfig recipe(int epochs) {
        return new TrainConfig("individual", epochs, 50, 0.05, 0.9, true, 5e-4, 0, 0, List.of(), List.of(), 0.25, 4,
                false, 5, 5);
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
                int[] order = io.dialnet.data.Split.permutation(set.channels(), random);
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
        try (SlimmableNetwork net = cnn(); NDManager scratch = manager.newSubManager()) {
            new Trainer(net, recipe(1), small, null, null, 0).train(false);
            NoiseRanking.Settings settings = NoiseRanking.Settings.DEFAULT.withBatches(5);
            Map<Integer, double[]> first = NoiseRanking.rank(net, net.fullPlan(), small.trainLoader(),
                    Augmentation.NONE, 50, settings, 7);
            scratch.randomNormal(new Shape(1000));
            Map<Integer, double[]> second = NoiseRanking.rank(net, net.fullPlan(), small.trainLoader(),
                    Augmentation.NONE, 50, settings, 7);
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
            fc2.set(w);
            for (NoiseRanking.Injection injection : NoiseRanking.Injection.values()) {
                Map<Integer, double[]> importance = NoiseRanking.rank(net, net.fullPlan(), small.trainLoader(),
                        Augmentation.NONE, 50, NoiseRanking.Settings.DEFAULT.withBatches(40).withInjection(injection), 3);
                double[] hidden = importance.get(2);
                double[] sorted = hidden.clone();
                Arrays.sort(sorted);
                assertThat(hidden[2]).as(injection.name()).isLessThanOrEqualTo(sorted[1]);
                assertThat(hidden[5]).as(injection.name()).isLessThanOrEqualTo(sorted[1]);
            }
            assertThat(net.parameters().get("fc2.weight").toFloatArray()).containsExactly(w);
        }
    }

    @Test
    void candidatesMeetTheTargetAndNestInTheRankedPlan() {
        try (SlimmableNetwork net = ModelZoo.create(ModelZoo.defaultSpec("resnet20"), manager, 2)) {
            ChannelPlan base = net.uniformPlan(0.75);
            Random random = new Random(4);
            Map<Integer, double[]> importance = new java.util.LinkedHashMap<>();
            for (CouplingSet set : net.couplingSets()) {
                double[] imp = random.doubles(base.channels(set.index()) / set.groupSize(), 0.1, 1).toArray();
                Arrays.sort(imp);
                for (int i = 0; i < imp.length / 2; i++) {
                    double t = imp[i];
                    imp[i] = imp[imp.length - 1 - i];
                    imp[imp.length - 1 - i] = t;
                }
                importance.put(set.index(), imp);
            }
            long full = Complexity.of(net, net.fullPlan()).macs();
            CostModel macs = plan -> Complexity.of(net, plan).macs();
            List<CandidateSampler.Sampled> candidates = new CandidateSampler(net).candidates(base, importance, macs,
                    0.3 * full, 5, 9);
            assertThat(candidates).hasSizeGreaterThanOrEqualTo(3);
            assertThat(candidates).extracting(CandidateSampler.Sampled::rule).contains(CutRule.GLOBAL,
                    CutRule.MACS_WEIGHTED, CutRule.UNIFORM);
            for (CandidateSampler.Sampled c : candidates) {
                assertThat(Complexity.of(net, c.plan()).macs()).isLessThanOrEqualTo((long) (0.3 * full));
                assertThat(c.plan().nestsIn(base)).isTrue();
                assertThat(c.plan().toList()).allSatisfy(ch -> assertThat(ch).isGreaterThanOrEqualTo(4));
            }
            assertThat(new CandidateSampler(net).candidates(base, importance, macs, 10, 3, 1)).isEmpty();
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
        assertThat(ProgressiveSearch.needsFineTuning(0.90, 0.895, 1.0)).isFalse();
        assertThat(ProgressiveSearch.needsFineTuning(0.90, 0.890, 1.0)).isFalse();
        assertThat(ProgressiveSearch.needsFineTuning(0.90, 0.889, 1.0)).isTrue();
        assertThat(ProgressiveSearch.needsFineTuning(0.90, 0.95, 0.0)).isFalse();
    }

    @Test
    void lastFilterDropsASubnetThatASmallerOneBeats() {
        SubnetResult big = new SubnetResult("s1", List.of(), 100, 1, 0.80, null);
        SubnetResult mid = new SubnetResult("s2", List.of(), 50, 1, 0.81, null);
        SubnetResult small = new SubnetResult("s3", List.of(), 20, 1, 0.70, null);
        assertThat(SearchRun.dropDominated(List.of(big, mid, small))).containsExactly(mid, small);
    }

    static SearchConfig search(List<Double> targets, int finalEpochs) {
        return new SearchConfig(targets, false, 1, 3, 1.0, NoiseRanking.Settings.DEFAULT.withBatches(15), recipe(1),
                null, 1, 0.01, finalEpochs, 0.01);
    }

    @Test
    void searchAcceptsNestedPlansWithinTargetsAndResumes() throws IOException {
        List<AcceptedSubnet> first;
        try (SlimmableNetwork net = cnn()) {
            first = new ProgressiveSearch(net, search(List.of(0.5), 0), small, dir, null).run(false).accepted();
        }
        assertThat(first).hasSize(2);
        try (SlimmableNetwork net = cnn()) {
            SearchResult result = new ProgressiveSearch(net, search(List.of(0.5, 0.2), 1), small, dir, null)
                    .run(true);
            List<AcceptedSubnet> accepted = result.accepted();
            assertThat(accepted).hasSize(3);
            assertThat(accepted.get(1).plan()).isEqualTo(first.get(1).plan());
            long full = accepted.get(0).macs();
            assertThat(accepted.get(1).macs()).isLessThanOrEqualTo((long) (0.5 * full));
            assertThat(accepted.get(2).macs()).isLessThanOrEqualTo((long) (0.2 * full));
            for (int i = 1; i < accepted.size(); i++) {
                assertThat(ChannelPlan.parse(accepted.get(i).plan()).nestsIn(ChannelPlan.parse(accepted.get(i - 1).plan())))
                        .isTrue();
            }
            assertThat(result.subnets()).isNotEmpty();
            assertThat(result.subnets().get(result.subnets().size() - 1).validationAccuracy()).isGreaterThan(0.5);
        }
        List<String> log = Files.readAllLines(dir.resolve(SearchRun.LOG));
        assertThat(log.stream().filter(l -> l.contains("\"background\""))).hasSize(1);
        assertThat(log.stream().filter(l -> l.contains("\"candidate\""))).hasSizeGreaterThanOrEqualTo(2);
        assertThat(log.stream().filter(l -> l.contains("\"accept\""))).hasSize(2);
        assertThat(dir.resolve("final").resolve(Trainer.CHECKPOINT)).exists();
    }

    @Test
    void multiPathCutsByGroupNormToEachTarget() throws IOException {
        try (SlimmableNetwork net = cnn()) {
            SearchResult result = new MultiPathSearch(net, search(List.of(0.5, 0.25), 0), small, dir, null, 1e-3, 1)
                    .run(false);
            List<AcceptedSubnet> accepted = result.accepted();
            assertThat(accepted).hasSize(3);
            long full = accepted.get(0).macs();
            assertThat(accepted.get(1).macs()).isLessThanOrEqualTo(full / 2);
            assertThat(accepted.get(2).macs()).isLessThanOrEqualTo(full / 4);
            assertThat(ChannelPlan.parse(accepted.get(2).plan()).nestsIn(ChannelPlan.parse(accepted.get(1).plan())))
                    .isTrue();
            assertThat(accepted.get(2).accuracy()).isGreaterThan(0.3);
        }
        assertThat(Files.readString(dir.resolve(SearchRun.LOG))).contains("\"method\":\"multipath\"");
    }

    @Test
    void singlePathFreezesNestedSubnetsDuringOneRunAndResumes() {
        SearchConfig config = new SearchConfig(List.of(0.5, 0.25), false, 1, 1, 1.0, NoiseRanking.Settings.DEFAULT,
                recipe(3), null, 0, 0.01, 0, 0.01);
        assertThat(SinglePathSearch.freezeEpoch(0, 2, 3)).isEqualTo(1);
        assertThat(SinglePathSearch.freezeEpoch(1, 2, 3)).isEqualTo(2);
        try (SlimmableNetwork net = cnn()) {
            io.dialnet.train.TrainingListener killAfterTwo = new io.dialnet.train.TrainingListener() {
                @Override
                public void epochEnded(io.dialnet.train.EpochMetrics metrics) {
                    if (metrics.epoch() == 2) {
                        throw new IllegalStateException("killed");
                    }
                }
            };
            org.assertj.core.api.Assertions.assertThatThrownBy(
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
            assertThat(ChannelPlan.parse(accepted.get(2).plan()).nestsIn(ChannelPlan.parse(accepted.get(1).plan())))
                    .isTrue();
            assertThat(accepted).allSatisfy(a -> assertThat(a.accuracy()).isGreaterThan(0.5));
        }
    }

    @Test
    void comparisonMatchesWidthsToTargetsAndChecksItsSettingsFirst() {
        assertThat(Comparison.widthsFor(List.of(0.5, 0.25))).containsExactly(1.0, 0.707, 0.5);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new Comparison.Settings(List.of("greedy"),
                search(List.of(0.5), 0), 1e-4, 1)).hasMessageContaining("unknown method 'greedy'");
        SearchConfig tooShort = new SearchConfig(List.of(0.5, 0.25), false, 1, 1, 1.0, NoiseRanking.Settings.DEFAULT,
                recipe(2), null, 0, 0.01, 0, 0.01);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new Comparison.Settings(Comparison.METHODS, tooShort,
                1e-4, 1)).hasMessageContaining("--epochs 2 leaves no room");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new SearchConfig(List.of(0.5), false, 1, 1, 1.0,
                NoiseRanking.Settings.DEFAULT, recipe(2), null, 1, -0.1, 0, 0.01)).hasMessageContaining("--fine-tune-lr -0.1");
    }

    @Test
    void comparisonSearchesStartFromTheIndividualFullWidthModelAndCountItsCost() throws IOException {
        Comparison.Settings settings = new Comparison.Settings(List.of("individual", ProgressiveSearch.METHOD),
                search(List.of(0.5), 0), 1e-4, 1);
        List<Comparison.MethodResult> results = Comparison.run(settings, SearchTest::cnn, small, dir, null);
        assertThat(dir.resolve(ProgressiveSearch.METHOD).resolve("background")).doesNotExist();
        Comparison.MethodResult individual = results.get(0);
        Comparison.MethodResult progressive = results.get(1);
        // the background is the individual full-width run itself: same weights, so the same accuracy
        String background = Files.readAllLines(dir.resolve(ProgressiveSearch.METHOD).resolve(SearchRun.LOG)).get(0);
        assertThat(background).contains("\"background\"",
                "\"accuracy\":" + individual.subnets().get(0).validationAccuracy());
        // and its cost (half of individual's two equal-epoch runs, the larger one) is progressive's too
        assertThat(progressive.trainingCompute()).isGreaterThan(individual.trainingCompute() / 2);
        assertThat(progressive.startedFrom()).isEqualTo(Path.of("individual", "w1.00", Trainer.CHECKPOINT).toString());
        assertThat(individual.startedFrom()).isNull();
    }

    @Test
    void groupLassoPenalisesEachGroupsNorm() {
        try (SlimmableNetwork net = cnn(); NDManager scratch = manager.newSubManager()) {
            Map<Integer, double[]> norms = GroupNorms.importance(net, net.fullPlan());
            double sum = norms.values().stream().flatMapToDouble(Arrays::stream).sum();
            float penalty = GroupNorms.lasso(0.5).penalty(net, scratch).getFloat();
            assertThat((double) penalty).isCloseTo(0.5 * sum, within(1e-3 * sum));
        }
    }
}
