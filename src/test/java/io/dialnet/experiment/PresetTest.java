package io.dialnet.experiment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dialnet.data.DataRequest;
import io.dialnet.data.FolderOptions;
import io.dialnet.search.CutRule;
import io.dialnet.search.NoiseRanking;
import io.dialnet.search.SearchConfig;
import io.dialnet.train.Strategy;
import io.dialnet.train.TrainConfig;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The presets' schedules; the protocol's is pre-registered in docs/RESULTS.md and must not drift. */
class PresetTest {
    @Test
    void theProtocolKeepsItsRegisteredSchedule() {
        Preset protocol = Preset.named("protocol", 0);
        assertThat(protocol)
                .isEqualTo(new Preset(
                        15,
                        0,
                        0L,
                        4500,
                        new NoiseRanking.Settings(NoiseRanking.Injection.ACTIVATIONS, 200, 0.25, 0.1, 0.05),
                        new SearchConfig.FineTuning(2, 0.01, 1.0, SearchConfig.FineTuning.Reference.LINE, 2.5),
                        new SearchConfig.FinalTraining(15, 0.05, false),
                        new Comparison.MultiPath(15, new SearchConfig.FinalTraining(15, 0.1, false)),
                        Stream.of(
                                        "individual",
                                        "uniform",
                                        "progressive",
                                        "alone-progressive",
                                        "ablation",
                                        "joint",
                                        "multipath",
                                        "singlepath",
                                        "alone-multipath",
                                        "alone-singlepath")
                                .map(Arm::named)
                                .toList(),
                        4));
        // every value written out, not the builder's defaults: the protocol's recipe is pre-registered
        assertThat(protocol.recipe(3))
                .isEqualTo(new TrainConfig(
                        Strategy.INDIVIDUAL,
                        15,
                        128,
                        0.1,
                        0.9,
                        true,
                        5e-4,
                        0,
                        0,
                        List.of(),
                        List.of(),
                        0.25,
                        4,
                        false,
                        20,
                        3));
        // what the preset takes from defaults is frozen too: a changed default must not change the protocol
        Comparison.Settings settings =
                protocol.settings(List.of(0.56, 0.25, 0.06), null, TrainConfig.UNIFORM_WIDTHS, protocol.recipe(3));
        assertThat(settings.progressive().sampling())
                .isEqualTo(new SearchConfig.Sampling(
                        4, List.of(CutRule.GLOBAL, CutRule.MACS_WEIGHTED, CutRule.UNIFORM, CutRule.RANDOM)));
        assertThat(settings.progressive().filtering()).isEqualTo(new SearchConfig.Filtering(0, 0.5));
        assertThat(settings.progressive().finalTraining()).isEqualTo(new SearchConfig.FinalTraining(15, 0.05, false));
        assertThat(settings.lasso()).isEqualTo(1e-4);
        assertThat(settings.ablation())
                .containsExactly(
                        SearchConfig.Ranking.Kind.NOISE,
                        SearchConfig.Ranking.Kind.L1,
                        SearchConfig.Ranking.Kind.RANDOM);
        assertThat(ComparePlan.TEST_HOLDOUT).isEqualTo(5000);
        assertThat(Preset.named("protocol", 2).recipe(3).epochs()).isEqualTo(2);
        assertThatThrownBy(() -> Preset.named("slow", 0))
                .hasMessage("--preset slow: choose protocol, protocol-ranking or quick");
        // the post-hoc variant differs from the registered protocol in the noise ranking only
        Preset ranking = Preset.named("protocol-ranking", 0);
        assertThat(ranking.noise()).isEqualTo(NoiseRanking.Settings.DEFAULT);
        assertThat(ranking.noise()).isNotEqualTo(protocol.noise());
        assertThat(ranking.withNoise(protocol.noise())).isEqualTo(protocol);
    }

    /** Issue 10: the quick preset stays a smoke test and its report says that it does not test the claim. */
    @Test
    void aReportSaysWhatItsPresetCanShow() {
        assertThat(Preset.named("quick", 0).note("quick"))
                .startsWith("Preset quick: a smoke test (at most 10,000 training images, 6 epochs")
                .contains("does not test the paper's claim");
        assertThat(Preset.named("protocol", 0).note("protocol"))
                .contains("pre-registered")
                .doesNotContain("not that schedule");
        assertThat(Preset.named("protocol", 2).note("protocol"))
                .endsWith("With 2 epochs instead of 15, it is not that schedule and does not test the claim.");
        assertThat(Preset.named("protocol-ranking", 0).note("protocol-ranking")).contains("not registered");
    }

    @Test
    void aPresetFillsOnlyTheDataChoicesLeftUnset() {
        DataRequest unset = DataRequest.of("cifar10:x", 32, FolderOptions.DEFAULT);
        DataRequest quick = Preset.named("quick", 0).applyTo(unset);
        assertThat(quick.trainLimit()).isEqualTo(10_000);
        assertThat(quick.splitSeed()).isNull();
        assertThat(quick.validation()).isEqualTo(-1);
        DataRequest protocol = Preset.named("protocol", 0).applyTo(unset);
        assertThat(protocol.trainLimit()).isZero();
        assertThat(protocol.splitSeed()).isZero();
        assertThat(protocol.validation()).isEqualTo(4500);

        DataRequest given = new DataRequest("cifar10:x", 32, 100, null, 500, true, 7L, FolderOptions.DEFAULT);
        assertThat(Preset.named("protocol", 0).applyTo(given)).isEqualTo(given);
    }
}
