package io.dialnet.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class PairedStatisticsTest {
    @Test
    void mcnemarIsTheExactTwoSidedBinomialTestOnDiscordantPairs() {
        // 10 vs 2 discordant: 2 * P(X <= 2), X ~ Bin(12, 1/2) = 2 * (1 + 12 + 66) / 4096
        assertThat(PairedStatistics.mcnemar(10, 2)).isCloseTo(158.0 / 4096, within(1e-12));
        assertThat(PairedStatistics.mcnemar(5, 5)).isEqualTo(1.0);
        assertThat(PairedStatistics.mcnemar(0, 0)).isEqualTo(1.0);
        // one seed's images: a right where b is wrong on 10, the reverse on 2, 3 agree
        boolean[] a = new boolean[15];
        boolean[] b = new boolean[15];
        for (int i = 0; i < 15; i++) {
            a[i] = i < 10 || i >= 12;
            b[i] = i >= 10;
        }
        assertThat(PairedStatistics.mcnemar(a, b)).isEqualTo(PairedStatistics.mcnemar(10, 2));
        assertThat(PairedStatistics.formatP(158.0 / 4096)).isEqualTo("0.039");
        assertThat(PairedStatistics.formatP(1e-20)).isEqualTo("<1e-12");
    }

    @Test
    void identicalArmsDifferByExactlyNothing() {
        boolean[] x = random(1000, 0.8, 1);
        PairedStatistics.Difference d = PairedStatistics.compare(List.of(x, x), List.of(x, x), 2000, 3);
        assertThat(d.mean()).isZero();
        assertThat(d.low()).isZero();
        assertThat(d.high()).isZero();
        assertThat(d.mcnemarP()).isEqualTo(1.0);
    }

    @Test
    void aDifferenceIsInPointsAndItsIntervalCoversIt() {
        boolean[] b = random(5000, 0.8, 2);
        boolean[] a = b.clone();
        int flipped = 0;
        for (int i = 0; i < a.length && flipped < 100; i++) {
            if (!a[i]) {
                a[i] = true; // a gets 100 more of 5000 right: +2 points
                flipped++;
            }
        }
        PairedStatistics.Difference d = PairedStatistics.compare(List.of(a), List.of(b), 4000, 5);
        assertThat(d.mean()).isCloseTo(2.0, within(1e-9));
        assertThat(d.low()).isGreaterThan(1.4).isLessThan(2.0);
        assertThat(d.high()).isGreaterThan(2.0).isLessThan(2.6);
        assertThat(d.onlyA()).isEqualTo(100);
        assertThat(d.onlyB()).isZero();
        assertThat(d.mcnemarP()).isLessThan(1e-20);
    }

    @Test
    void armsOnDifferentImagesOrSeedsAreRefused() {
        boolean[] x = random(10, 0.5, 1);
        assertThatThrownBy(() -> PairedStatistics.compare(List.of(x), List.of(x, x), 10, 1))
                .hasMessageContaining("the same seeds");
        assertThatThrownBy(() -> PairedStatistics.compare(List.of(x), List.of(Arrays.copyOf(x, 9)), 10, 1))
                .hasMessageContaining("same images");
    }

    private static boolean[] random(int n, double p, long seed) {
        Random r = new Random(seed);
        boolean[] x = new boolean[n];
        for (int i = 0; i < n; i++) {
            x[i] = r.nextDouble() < p;
        }
        return x;
    }
}
