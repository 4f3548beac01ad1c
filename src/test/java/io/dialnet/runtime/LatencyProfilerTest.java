package io.dialnet.runtime;

import static org.assertj.core.api.Assertions.assertThat;

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
}
