package io.dialnet.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class LatencyProfilerTest {
    @Test
    void percentilesAreNearestRankAndNaNWithoutSamples() {
        double[] sorted = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10};
        assertThat(LatencyProfiler.percentile(sorted, 50)).isEqualTo(5);
        assertThat(LatencyProfiler.percentile(sorted, 90)).isEqualTo(9);
        assertThat(LatencyProfiler.percentile(sorted, 99)).isEqualTo(10);
        assertThat(LatencyProfiler.percentile(sorted, 0)).isEqualTo(1);
        assertThat(LatencyProfiler.percentile(new double[] {4}, 99)).isEqualTo(4);
        assertThat(LatencyProfiler.percentile(new double[0], 50)).isNaN();
    }

    @Test
    void callsTimedTogetherTakeTurnsAndKeepTheirOwnTimes() {
        // a clock that only the calls move: each call costs its own fixed time, so nothing depends on the machine
        AtomicLong clock = new AtomicLong();
        List<String> order = new ArrayList<>();
        Runnable slow = () -> {
            order.add("slow");
            clock.addAndGet(2_000_000);
        };
        Runnable quick = () -> {
            order.add("quick");
            clock.addAndGet(100_000);
        };
        double[][] ms = LatencyProfiler.timeTogether(List.of(slow, quick), 3, 5, 2, clock::get);
        // 3 warm-up calls each, then per round one call to switch back and 2 timed, each round starting one later
        assertThat(order).hasSize(2 * (3 + 5 * 3));
        assertThat(order.subList(6, 12)).containsExactly("slow", "slow", "slow", "quick", "quick", "quick");
        assertThat(order.subList(12, 18)).containsExactly("quick", "quick", "quick", "slow", "slow", "slow");
        assertThat(ms[0]).hasSize(10).containsOnly(2.0);
        assertThat(ms[1]).hasSize(10).containsOnly(0.1);
        // a single call is timed without the switching call
        List<String> alone = new ArrayList<>();
        assertThat(LatencyProfiler.timeTogether(List.of(() -> alone.add("x")), 2, 4, 1, clock::get)[0])
                .hasSize(4);
        assertThat(alone).hasSize(6);
    }
}
