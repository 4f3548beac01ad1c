package io.dialnet.nn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

@Tag("fast")
class ChannelPlanTest {
    @Test
    void parsesPrintsAndCompares() {
        ChannelPlan plan = ChannelPlan.parse(" 16, 8 ,4");
        assertThat(plan.toString()).isEqualTo("16,8,4");
        assertThat(plan).isEqualTo(ChannelPlan.of(16, 8, 4)).hasSameHashCodeAs(ChannelPlan.of(16, 8, 4));
        assertThat(ChannelPlan.of(8, 8, 4).nestsIn(plan)).isTrue();
        assertThat(ChannelPlan.of(8, 12, 4).nestsIn(plan)).isFalse();
        assertThat(ChannelPlan.of(8, 8).nestsIn(plan)).isFalse();
    }

    @Test
    void rejectsNonsense() {
        assertThatThrownBy(() -> ChannelPlan.parse("16,x"))
                .isInstanceOf(InvalidPlanException.class)
                .hasMessageContaining("'16,x'");
        assertThatThrownBy(() -> ChannelPlan.of(4, 0)).hasMessageContaining("at least one channel");
    }

    @Test
    void isImmutable() {
        int[] channels = {4, 8};
        ChannelPlan plan = ChannelPlan.of(channels);
        channels[0] = 99;
        plan.toArray()[1] = 99;
        assertThat(plan).isEqualTo(ChannelPlan.of(4, 8));
    }

    @Test
    void couplingSetNeedsWholeGroups() {
        assertThatThrownBy(() -> new CouplingSet(0, "s", 10, 4)).hasMessageContaining("not a multiple of group size 4");
    }
}
