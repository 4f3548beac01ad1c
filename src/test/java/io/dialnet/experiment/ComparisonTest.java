package io.dialnet.experiment;

import static io.dialnet.search.SearchTest.recipe;
import static io.dialnet.search.SearchTest.search;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.dialnet.Json;
import io.dialnet.nn.Complexity;
import io.dialnet.nn.SlimmableNetwork;
import io.dialnet.nn.zoo.ModelZoo;
import io.dialnet.search.SearchConfig;
import io.dialnet.search.SearchMethod;
import io.dialnet.search.SearchTest;
import io.dialnet.train.Compute;
import io.dialnet.train.SubnetResult;
import io.dialnet.train.Trainer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.assertj.core.api.Assertions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The comparison of every method: its targets, its settings' checks, its arms, their resume and the
 * protocol report.
 */
@Tag("engine")
class ComparisonTest {
    @TempDir
    Path dir;

    /** The search tests' engine, data and small network, shared because comparisons run searches. */
    @BeforeAll
    static void start() {
        SearchTest.start();
    }

    @AfterAll
    static void stop() {
        SearchTest.stop();
    }

    @Test
    void comparisonTargetsTheExactMacsOfTheWidthsAndChecksItsSettingsFirst() {
        try (SlimmableNetwork net = ModelZoo.create(ModelZoo.defaultSpec("resnet20"), SearchTest.manager, 2)) {
            List<Double> targets = Comparison.targetsFor(net, List.of(1.0, 0.5, 0.25));
            double full = Complexity.of(net, net.fullPlan()).macs();
            assertThat(targets)
                    .containsExactly(
                            Complexity.of(net, net.uniformPlan(0.5)).macs() / full,
                            Complexity.of(net, net.uniformPlan(0.25)).macs() / full);
            // the budget admits the uniform plan whose MACs define the target
            SearchConfig config = SearchConfig.builder()
                    .setTargets(targets)
                    .setRecipe(recipe(2))
                    .build();
            assertThat((double) Complexity.of(net, net.uniformPlan(0.25)).macs())
                    .isLessThanOrEqualTo(config.budget(1, (long) full));
        }
        Comparison.MultiPath multiPath = new Comparison.MultiPath(1, SearchConfig.FinalTraining.DEFAULT);
        Assertions.assertThatThrownBy(() -> Arm.named("greedy"))
                .hasMessage("--methods: unknown method 'greedy'; known: " + String.join(", ", Arm.ids()));
        Assertions.assertThatThrownBy(() -> new Comparison.Settings(
                                Comparison.ARMS,
                                List.of(1.0, 0.5, 0.25),
                                search(List.of(0.5, 0.25), 0),
                                multiPath,
                                1e-4,
                                List.of())
                        .hashCode())
                .hasMessageContaining("--epochs 1 leaves no room");
        Assertions.assertThatThrownBy(() -> new Comparison.Settings(
                        List.of(Arm.ALONE_PROGRESSIVE),
                        List.of(1.0, 0.5),
                        search(List.of(0.5), 0),
                        multiPath,
                        1e-4,
                        List.of()))
                .hasMessageContaining("alone-progressive trains the plans of progressive");
        Assertions.assertThatThrownBy(
                        () -> new SearchConfig.FineTuning(1, -0.1, 1, SearchConfig.FineTuning.Reference.LINE, 2.5))
                .hasMessageContaining("--fine-tune-lr -0.1");
    }

    @Test
    void comparisonSearchesStartFromTheIndividualFullWidthModelAndItsPlansAreTrainedAlone(@TempDir Path otherRun)
            throws IOException {
        Comparison.Settings settings = new Comparison.Settings(
                List.of(Arm.INDIVIDUAL, Arm.PROGRESSIVE, Arm.ALONE_PROGRESSIVE, Arm.ABLATION),
                List.of(1.0, 0.5),
                search(List.of(0.5), 0),
                new Comparison.MultiPath(1, SearchConfig.FinalTraining.DEFAULT),
                1e-4,
                List.of(SearchConfig.Ranking.Kind.NOISE, SearchConfig.Ranking.Kind.RANDOM));
        Comparison.Outcome outcome = Comparison.run(settings, SearchTest::cnn, SearchTest.small, dir, null);
        List<Comparison.MethodResult> results = outcome.methods();
        assertThat(dir.resolve(SearchMethod.PROGRESSIVE.id()).resolve("background"))
                .doesNotExist();
        Comparison.MethodResult individual = results.get(0);
        Comparison.MethodResult progressive = results.get(1);
        Comparison.MethodResult alone = results.get(2);
        // the background is the individual full-width run itself: same weights, so the same accuracy
        String background = Files.readAllLines(
                        dir.resolve(SearchMethod.PROGRESSIVE.id()).resolve("search.jsonl"))
                .get(0);
        assertThat(background)
                .contains(
                        "\"background\"",
                        "\"accuracy\":" + individual.subnets().get(0).validationAccuracy());
        // and its cost (the larger of individual's two equal-epoch runs) is progressive's too
        assertThat(progressive.compute().training())
                .isGreaterThan(individual.compute().training() / 2);
        assertThat(progressive.startedFrom())
                .isEqualTo(Path.of("individual", "w1.00", Trainer.CHECKPOINT).toString());
        assertThat(individual.startedFrom()).isNull();
        // every searched plan but the full one (which is individual's w1.00) trained alone
        List<List<Integer>> searched = progressive.subnets().stream()
                .map(SubnetResult::channels)
                .filter(c -> !c.equals(individual.subnets().get(0).channels()))
                .toList();
        assertThat(alone.subnets()).extracting(SubnetResult::channels).containsExactlyElementsOf(searched);
        // which test images each subnet got right, for paired statistics
        Map<?, ?> correct = new ObjectMapper()
                .readValue(
                        dir.resolve("alone-progressive")
                                .resolve(Comparison.PREDICTIONS)
                                .toFile(),
                        Map.class);
        assertThat(correct).hasSize(searched.size());
        assertThat(correct.values())
                .allSatisfy(v -> assertThat((String) v)
                        .hasSize(SearchTest.small.test().size())
                        .matches("[01]+"));
        assertThat(dir.resolve("alone-progressive").resolve(Comparison.ARM_RESULT))
                .exists();
        assertThat(dir.resolve(Arm.ABLATION.id()).resolve(Comparison.ARM_RESULT))
                .exists();
        // the protocol's report reads the arms back and compares each search with its plans trained alone
        String report = ProtocolReport.markdown(List.of(dir), List.of("individual", "alone"));
        assertThat(report)
                .contains("| alone-progressive |", "Against the same plans trained alone")
                // the searched plans alone against the uniform widths alone: do the plans themselves beat them?
                .containsPattern("Against individual:[^#]*\\| alone-progressive \\|( - \\|)* [+-]\\d+\\.\\d\\d \\[")
                .containsPattern("\\| progressive \\|( - \\|)* [+-]\\d+\\.\\d\\d \\[");
        // the searches' plans with their fine-tuning decisions, and the ranking ablation's accuracies
        assertThat(report)
                .containsPattern("fine-tuning ran for \\d+ of \\d+ cuts")
                .containsPattern("\\| [^|]+ \\| progressive \\| s2 \\| [0-9,]+ \\|")
                .containsPattern("\\| noise \\| 1 \\| s1 [0-9.]+[MK]?: \\d+\\.\\d\\d;")
                .contains("| random | 1 |");
        // a run against another run's same arms, paired by test image (here itself: no difference anywhere)
        assertThat(ProtocolReport.versus(List.of(dir), List.of(dir)))
                .contains("Against the same arm of [" + dir + "]")
                .containsPattern(
                        "\\| progressive \\|( [+]0\\.00 \\[[+-]0\\.00, [+-]0\\.00\\] \\(1\\.0\\) \\|)+ [+]0\\.00 ")
                .doesNotContain("| individual |");
        assertThatThrownBy(() -> ProtocolReport.versus(List.of(dir), List.of(dir, dir)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("--against needs one directory per directory of --runs (1)");
        // a run tested on other images cannot be paired: its individual arm saw one image fewer
        Path other = Files.createDirectories(otherRun.resolve("individual"));
        Files.copy(dir.resolve("individual").resolve(Comparison.ARM_RESULT), other.resolve(Comparison.ARM_RESULT));
        Map<String, String> fewer = new LinkedHashMap<>();
        new ObjectMapper()
                .readValue(
                        dir.resolve("individual")
                                .resolve(Comparison.PREDICTIONS)
                                .toFile(),
                        Map.class)
                .forEach((k, v) -> fewer.put((String) k, ((String) v).substring(1)));
        new ObjectMapper().writeValue(other.resolve(Comparison.PREDICTIONS).toFile(), fewer);
        assertThatThrownBy(() -> ProtocolReport.versus(List.of(dir), List.of(otherRun)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("paired differences need the same test images");
        Path png = dir.resolve("report.png");
        ProtocolReport.plot(List.of(dir), png);
        assertThat(png).isNotEmptyFile();
        // the equal-compute view: each arm's accuracy beside its cost; an alone- arm's full plan is not in its cost
        assertThat(report)
                .containsPattern("\\| progressive \\|( [0-9.e+]+ \\|){5} - \\| [0-9.]+ \\| \\d+\\.\\d\\d \\|")
                .containsPattern("\\| alone-progressive \\|.* \\| - \\|\n");
        // relative to US-Nets, which this run lacks
        assertThatThrownBy(() -> ProtocolReport.computePlot(List.of(dir), png))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("every run needs a finished uniform arm");
        // a reference no arm of the runs has (yet: reports are read as the arms land) gets no empty table
        assertThat(ProtocolReport.markdown(List.of(dir), List.of("uniform", "individual")))
                .doesNotContain("Against uniform")
                .contains("Against individual");
        assertThat(outcome.ablation())
                .extracting(Comparison.AblationResult::ranking)
                .containsExactly(SearchConfig.Ranking.Kind.NOISE, SearchConfig.Ranking.Kind.RANDOM);
        assertThat(outcome.ablation()).allSatisfy(a -> assertThat(a.subnets()).hasSize(2));

        // resumed with only the arms' results and the background kept (what a long run carries across
        // machines), finished arms are read back, not retrained
        try (var files = Files.walk(dir)) {
            for (Path f : files.filter(f -> f.getFileName().toString().endsWith(".zip"))
                    .toList()) {
                if (!f.endsWith(Path.of("individual", "w1.00", Trainer.CHECKPOINT))) {
                    Files.delete(f);
                }
            }
        }
        Comparison.Outcome again = Comparison.run(settings, SearchTest::cnn, SearchTest.small, dir, null);
        assertThat(again).isEqualTo(outcome);
        assertThat(dir.resolve("individual").resolve("w0.50").resolve(Trainer.CHECKPOINT))
                .doesNotExist();
    }

    @Test
    void aSearchedPlanThatIsAnIndividualWidthIsReadBackNotTrainedAgain() throws IOException {
        List<Double> widths = List.of(1.0, 0.5);
        SearchConfig search = search(List.of(0.5), 0);
        Comparison.MultiPath multiPath = new Comparison.MultiPath(1, SearchConfig.FinalTraining.DEFAULT);
        Comparison.MethodResult individual = Comparison.run(
                        new Comparison.Settings(List.of(Arm.INDIVIDUAL), widths, search, multiPath, 1e-4, List.of()),
                        SearchTest::cnn,
                        SearchTest.small,
                        dir,
                        null)
                .methods()
                .get(0);
        // a search that kept the full width and cut to the uniform width 0.5 (as seed 1's progressive did)
        SubnetResult full = individual.subnets().get(0);
        SubnetResult half = individual.subnets().get(1);
        Comparison.MethodResult progressive = new Comparison.MethodResult(
                Arm.PROGRESSIVE.id(), List.of(rename(full, "s1"), rename(half, "s2")), individual.compute(), null);
        Path searchDir = Files.createDirectories(dir.resolve(Arm.PROGRESSIVE.id()));
        Json.PRETTY.writeValue(searchDir.resolve(Comparison.ARM_RESULT).toFile(), progressive);

        List<Arm> arms = List.of(Arm.INDIVIDUAL, Arm.PROGRESSIVE, Arm.ALONE_PROGRESSIVE);
        Comparison.MethodResult alone = Comparison.run(
                        new Comparison.Settings(arms, widths, search, multiPath, 1e-4, List.of()),
                        SearchTest::cnn,
                        SearchTest.small,
                        dir,
                        null)
                .methods()
                .get(2);
        assertThat(alone.subnets()).containsExactly(rename(half, "s2"));
        assertThat(dir.resolve(Arm.ALONE_PROGRESSIVE.id()).resolve("s2")).doesNotExist();
        // its cost is that width's run, and its test images are that run's, under the search's name
        assertThat(alone.compute().training())
                .isPositive()
                .isLessThan(individual.compute().training());
        TypeReference<Map<String, String>> correct = new TypeReference<>() {};
        Path individualDir = dir.resolve(Arm.INDIVIDUAL.id());
        Path aloneDir = dir.resolve(Arm.ALONE_PROGRESSIVE.id());
        Map<String, String> individualCorrect = Json.MAPPER.readValue(
                individualDir.resolve(Comparison.PREDICTIONS).toFile(), correct);
        Map<String, String> aloneCorrect =
                Json.MAPPER.readValue(aloneDir.resolve(Comparison.PREDICTIONS).toFile(), correct);
        assertThat(aloneCorrect).containsOnlyKeys("s2").containsEntry("s2", individualCorrect.get("w0.50"));
    }

    private static SubnetResult rename(SubnetResult s, String name) {
        return new SubnetResult(name, s.channels(), s.macs(), s.params(), s.validationAccuracy(), s.testAccuracy());
    }

    /**
     * The equal-compute baseline: US-Nets trained for the epochs that give it at least progressive's
     * compute, from what uniform's epochs cost (here both read back: 1.5x, so 2 epochs for 1, rounded up).
     */
    @Test
    void uniformAtTheBudgetTrainsUsNetsToProgressivesCompute() throws IOException {
        List<Double> widths = List.of(1.0, 0.5);
        SearchConfig search = search(List.of(0.5), 0);
        Comparison.MultiPath multiPath = new Comparison.MultiPath(1, SearchConfig.FinalTraining.DEFAULT);
        assertThatThrownBy(() -> new Comparison.Settings(
                        List.of(Arm.UNIFORM, Arm.UNIFORM_BUDGET), widths, search, multiPath, 1e-4, List.of()))
                .hasMessageContaining("run uniform and progressive in the same comparison");
        writeArm(Arm.UNIFORM, new Compute(1e12, 0, 0, 0, 1));
        writeArm(Arm.PROGRESSIVE, new Compute(1.4e12, 0.1e12, 0, 0, 1));
        List<Comparison.MethodResult> results =
                compareOnTheSmallCnn(List.of(Arm.UNIFORM, Arm.PROGRESSIVE, Arm.UNIFORM_BUDGET), widths, search);
        assertThat(search.recipe().epochs()).isEqualTo(1);
        Comparison.MethodResult budget = results.get(2);
        assertThat(budget.method()).isEqualTo("uniform-budget");
        assertThat(budget.subnets()).extracting(SubnetResult::name).containsExactly("w1.00", "w0.50");
        assertThat(Files.readAllLines(dir.resolve("uniform-budget").resolve(Trainer.METRICS)))
                .hasSize(2);
    }

    /** {@code arms} compared on the small CNN and data of the search tests, into this test's directory. */
    private List<Comparison.MethodResult> compareOnTheSmallCnn(
            List<Arm> arms, List<Double> widths, SearchConfig search) {
        Comparison.MultiPath multiPath = new Comparison.MultiPath(1, SearchConfig.FinalTraining.DEFAULT);
        return Comparison.run(
                        new Comparison.Settings(arms, widths, search, multiPath, 1e-4, List.of()),
                        SearchTest::cnn,
                        SearchTest.small,
                        dir,
                        null)
                .methods();
    }

    /** A finished arm as {@code compare} leaves it, with no subnets: only its cost is read. */
    private void writeArm(Arm arm, Compute compute) throws IOException {
        Path armDir = Files.createDirectories(dir.resolve(arm.id()));
        Json.LENIENT.writeValue(
                armDir.resolve(Comparison.ARM_RESULT).toFile(),
                new Comparison.MethodResult(arm.id(), List.of(), compute, null));
    }

    @Test
    void jointFromTheBackgroundStartsFromTheIndividualFullWidthModelWithTheFinalTrainingSchedule() {
        List<Double> widths = List.of(1.0, 0.5);
        SearchConfig search = search(List.of(0.5), 0).toBuilder()
                .optFinalTraining(new SearchConfig.FinalTraining(1, 0.01, false))
                .build();
        Comparison.MultiPath multiPath = new Comparison.MultiPath(1, SearchConfig.FinalTraining.DEFAULT);
        assertThatThrownBy(() -> new Comparison.Settings(
                        List.of(Arm.JOINT_BACKGROUND), widths, search, multiPath, 1e-4, List.of()))
                .hasMessageContaining("joint-background starts from the individual full-width model");
        List<Comparison.MethodResult> results =
                compareOnTheSmallCnn(List.of(Arm.INDIVIDUAL, Arm.JOINT_BACKGROUND), widths, search);
        Comparison.MethodResult individual = results.get(0);
        Comparison.MethodResult joint = results.get(1);
        assertThat(joint.method()).isEqualTo("joint-background");
        assertThat(joint.startedFrom())
                .isEqualTo(Path.of("individual", "w1.00", Trainer.CHECKPOINT).toString());
        assertThat(joint.subnets()).extracting(SubnetResult::name).containsExactly("w1.00", "w0.50");
        // its cost: the background's, plus one epoch of the two widths together
        assertThat(joint.compute().training())
                .isGreaterThan(individual.compute().training() / 2);
        assertThat(dir.resolve("joint-background").resolve(Comparison.PREDICTIONS))
                .exists();
        // a full width that starts where individual's ended is not at chance after one epoch at a small rate
        assertThat(joint.subnets().get(0).validationAccuracy())
                .isGreaterThan(individual.subnets().get(0).validationAccuracy() - 0.1);
    }
}
