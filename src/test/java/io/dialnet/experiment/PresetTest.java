package io.dialnet.experiment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dialnet.data.DataRequest;
import io.dialnet.data.FolderOptions;
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
        assertThat(Preset.named("protocol", 2).recipe(3).epochs()).isEqualTo(2);
        assertThatThrownBy(() -> Preset.named("slow", 0))
                .hasMessage("--preset slow: choose protocol, protocol-ranking or quick");
        // the post-hoc variant differs from the registered protocol in the noise ranking only
        Preset ranking = Preset.named("protocol-ranking", 0);
        assertThat(ranking.noise()).isEqualTo(NoiseRanking.Settings.DEFAULT);
        assertThat(ranking.noise()).isNotEqualTo(protocol.noise());
        assertThat(ranking.withNoise(protocol.noise())).isEqualTo(protocol);
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
