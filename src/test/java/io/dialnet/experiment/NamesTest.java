package io.dialnet.experiment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.dialnet.Json;
import io.dialnet.nn.ChannelPlan;
import io.dialnet.search.SearchMethod;
import io.dialnet.train.Strategy;
import io.dialnet.train.TrainConfig;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;

/**
 * Issue 14: strategies, searches and comparison arms are types, named by the same lower-case text
 * on the command line and in every file older versions wrote; unknown names are refused with the
 * known ones listed.
 */
class NamesTest {
    @Test
    void everyNameRoundTripsThroughItsTextAndJson() throws JsonProcessingException {
        for (Strategy s : Strategy.values()) {
            assertThat(Strategy.named(s.id())).isSameAs(s);
            assertThat(Strategy.named(s.id().toUpperCase(Locale.ROOT))).isSameAs(s);
            assertThat(Json.MAPPER.writeValueAsString(s)).isEqualTo("\"" + s.id() + "\"");
            assertThat(Json.MAPPER.readValue("\"" + s.id() + "\"", Strategy.class))
                    .isSameAs(s);
        }
        for (SearchMethod m : SearchMethod.values()) {
            assertThat(SearchMethod.named(m.id())).isSameAs(m);
            assertThat(Json.MAPPER.readValue(Json.MAPPER.writeValueAsString(m), SearchMethod.class))
                    .isSameAs(m);
        }
        for (Arm a : Arm.values()) {
            assertThat(Arm.named(a.id())).isSameAs(a);
            assertThat(Json.MAPPER.readValue(Json.MAPPER.writeValueAsString(a), Arm.class))
                    .isSameAs(a);
        }
        // the names older files and scripts use
        assertThat(Strategy.known()).isEqualTo("individual, uniform, joint");
        assertThat(SearchMethod.known()).isEqualTo("progressive, multipath, singlepath");
        assertThat(Arm.ids())
                .containsExactly(
                        "individual",
                        "uniform",
                        "progressive",
                        "alone-progressive",
                        "ablation",
                        "joint",
                        "multipath",
                        "singlepath",
                        "alone-multipath",
                        "alone-singlepath",
                        "joint-background",
                        "uniform-budget");
    }

    @Test
    void unknownNamesListTheKnownOnes() {
        assertThatThrownBy(() -> Strategy.named("greedy"))
                .hasMessage("--strategy: greedy is not a strategy; known: individual, uniform, joint");
        assertThatThrownBy(() -> SearchMethod.named("greedy"))
                .hasMessage("--method greedy: not a search method; known: progressive, multipath, singlepath");
        assertThatThrownBy(() -> Arm.named("alone-greedy"))
                .hasMessageStartingWith(
                        "--methods: unknown method 'alone-greedy'; known: individual, uniform, progressive");
        assertThatThrownBy(() -> Json.MAPPER.readValue("\"greedy\"", Strategy.class))
                .hasMessageContaining("--strategy: greedy is not a strategy");
    }

    /** Checkpoints compare the saved config as JSON: the strategy and plans are written as before. */
    @Test
    void aConfigIsWrittenAsBeforeAndReadBackEqual() throws JsonProcessingException {
        TrainConfig config = TrainConfig.builder()
                .setStrategy(Strategy.JOINT)
                .setEpochs(3)
                .optPlans(List.of(ChannelPlan.of(16, 32), ChannelPlan.of(8, 16)))
                .build();
        String json = Json.MAPPER.writeValueAsString(config);
        assertThat(json)
                .startsWith("{\"strategy\":\"joint\",\"epochs\":3,")
                .contains("\"widths\":[],\"plans\":[\"16,32\",\"8,16\"],\"minWidth\":0.25,");
        assertThat(Json.MAPPER.readValue(json, TrainConfig.class)).isEqualTo(config);
        // a plan typed with spaces by an older version reads as the same plan
        assertThat(Json.MAPPER.readValue("\"16, 32\"", ChannelPlan.class)).isEqualTo(ChannelPlan.of(16, 32));
    }

    @Test
    void theBuilderKeepsTheCommandLinesDefaults() {
        TrainConfig uniform =
                TrainConfig.builder().setStrategy(Strategy.UNIFORM).setEpochs(1).build();
        assertThat(uniform.widths()).isEqualTo(TrainConfig.UNIFORM_WIDTHS);
        assertThat(uniform.minWidth()).isEqualTo(0.25);
        assertThat(uniform.distill()).isTrue();
        TrainConfig individual = uniform.toBuilder()
                .setStrategy(Strategy.INDIVIDUAL)
                .optWidths(List.of(0.5))
                .build();
        assertThat(individual.distill()).as("one subnet alone never distills").isFalse();
        assertThat(TrainConfig.builder()
                        .setStrategy(Strategy.UNIFORM)
                        .setEpochs(1)
                        .optWidths(List.of(1.0, 0.5))
                        .build()
                        .minWidth())
                .isEqualTo(0.5);
    }
}
