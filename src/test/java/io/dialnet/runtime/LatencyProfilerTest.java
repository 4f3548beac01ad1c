package io.dialnet.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
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
        AtomicInteger slowCalls = new AtomicInteger();
        AtomicInteger quickCalls = new AtomicInteger();
        Runnable slow = () -> {
            slowCalls.incrementAndGet();
            long end = System.nanoTime() + 2_000_000;
            while (System.nanoTime() < end) {
                Thread.onSpinWait();
            }
        };
        Runnable quick = quickCalls::incrementAndGet;
        double[][] ms = LatencyProfiler.timeTogether(List.of(slow, quick), 3, 5, 2);
        // 3 warm-up calls, then per round one call to switch back and 2 timed
        assertThat(slowCalls).hasValue(3 + 5 * 3);
        assertThat(quickCalls).hasValue(3 + 5 * 3);
        assertThat(ms[0]).hasSize(10).isSorted();
        assertThat(ms[0][0]).as("the slowest call's fastest time").isGreaterThanOrEqualTo(2.0);
        assertThat(LatencyProfiler.percentile(ms[1], 50)).isLessThan(ms[0][0]);
        // a single call is timed without the switching call
        AtomicInteger alone = new AtomicInteger();
        assertThat(LatencyProfiler.timeTogether(List.of(alone::incrementAndGet), 2, 4, 1)[0])
                .hasSize(4);
        assertThat(alone).hasValue(6);
    }
}
