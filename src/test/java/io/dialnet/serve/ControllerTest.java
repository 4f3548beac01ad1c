package io.dialnet.serve;

import static org.assertj.core.api.Assertions.assertThat;

import io.dialnet.artifact.Manifest;
import java.util.List;
import java.util.Random;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** The controller's choices, deterministic, without a server. */
@Tag("fast")
class ControllerTest {
    static Manifest.SubnetEntry subnet(String name, long macs, double accuracy, double ms) {
        return new Manifest.SubnetEntry(
                name,
                List.of(4),
                macs,
                1,
                accuracy,
                null,
                List.of(new Manifest.Latency("onnxruntime", "test", 1, 1, ms, ms, ms)));
    }

    @Test
    void controllerPicksTheMostAccurateSubnetThatFitsTheDeadlineAtTheCurrentLoad() {
        Controller c = new Controller(
                List.of(subnet("big", 100, 0.9, 4), subnet("mid", 50, 0.85, 2), subnet("small", 10, 0.7, 1)),
                "onnxruntime");
        assertThat(c.calibrated()).isTrue();
        assertThat(c.choose(10, 0, 1)).contains("big");
        assertThat(c.choose(3, 0, 1)).contains("mid");
        assertThat(c.choose(10, 8, 1)).contains("mid"); // 8 ms of work ahead: big would end at 12 ms
        assertThat(c.choose(3, 2, 1)).contains("small");
        assertThat(c.choose(2, 5, 1)).isEmpty(); // even the smallest needs 6 ms
        assertThat(c.choose(10, 0, 3)).contains("mid"); // three images: big needs 12 ms, mid 6
        c.observed("big", 40);
        assertThat(c.choose(10, 0, 1)).contains("mid"); // big measured slower than its profile
        for (int i = 0; i < 200; i++) {
            c.choose(10, 0, 1);
        }
        assertThat(c.choose(10, 0, 1)).contains("big"); // and the estimate recovers without new observations
    }

    /**
     * Issue 11: admitted requests expired (504) at a fixed planning share of 0.9 whenever the
     * predictions missed what they cannot see (pinned one-core server: 3.6% of requests at half
     * load, 20-54% at 1x-2x). Misses now shrink the share, answers in time grow it back.
     */
    @Test
    void missesShrinkThePlannedShareOfTheDeadlineAndAnswersInTimeRestoreIt() {
        Controller c = new Controller(List.of(subnet("big", 100, 0.9, 4), subnet("small", 10, 0.7, 1)), "onnxruntime");
        assertThat(c.share()).isEqualTo(Controller.MAX_SHARE);
        assertThat(c.choose(10 * c.share(), 4, 1)).contains("big"); // 8 ms of 9 planned
        long t = 0;
        c.missed(t, 10);
        c.missed(t + 5_000_000, 10); // the same burst, 5 ms later: no second cut
        assertThat(c.share()).isCloseTo(0.9 * 0.8, Offset.offset(1e-12));
        c.missed(t + 10_000_000, 10);
        assertThat(c.share()).isCloseTo(0.9 * 0.8 * 0.8, Offset.offset(1e-12));
        assertThat(c.choose(10 * c.share(), 4, 1)).contains("small"); // 5.76 ms planned: big no longer fits
        for (int i = 2; i < 100; i++) {
            c.missed(t + i * 10_000_000L, 10);
        }
        assertThat(c.share()).isEqualTo(Controller.MIN_SHARE);
        for (int i = 0; i < 5_000; i++) {
            c.met();
        }
        assertThat(c.share()).isEqualTo(Controller.MAX_SHARE);
    }

    /**
     * Issue 11: "p99 of accepted requests within the deadline" allows 1% to miss. Answers in time
     * raised the share by 0.002 each, which balances the cuts only when about 1.1% miss: over the
     * target. Here a request misses more often the more of its deadline is planned (never below a
     * share of 0.6, 5% at 0.9), and each miss comes from another burst (requests 20 ms apart, a
     * 10 ms deadline), so every miss cuts.
     */
    @Test
    void inEquilibriumFewerThanOnePercentOfAdmittedRequestsMiss() {
        Controller c = new Controller(List.of(subnet("big", 100, 0.9, 4), subnet("small", 10, 0.7, 1)), "onnxruntime");
        Random random = new Random(11);
        int requests = 400_000;
        int misses = 0;
        for (int i = 0; i < requests; i++) {
            double missChance = 0.05 * Math.max(0, (c.share() - 0.6) / 0.3);
            if (random.nextDouble() < missChance) {
                misses++;
                c.missed(i * 20_000_000L, 10);
            } else {
                c.met();
            }
        }
        assertThat((double) misses / requests).isLessThan(0.005);
    }
}
