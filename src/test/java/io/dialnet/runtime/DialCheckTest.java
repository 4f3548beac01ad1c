package io.dialnet.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import io.dialnet.artifact.Manifest;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Issue 12: a shipped subnet is never slower than a larger one. */
class DialCheckTest {
    static Manifest.SubnetEntry subnet(String name, long macs, double msAtOne, double msAtSixtyFour) {
        return new Manifest.SubnetEntry(
                name,
                List.of(),
                macs,
                0,
                0.9,
                null,
                List.of(
                        new Manifest.Latency("onnxruntime", "cpu", 1, 2, msAtOne, msAtOne, msAtOne),
                        new Manifest.Latency(
                                "onnxruntime", "cpu", 64, 2, msAtSixtyFour, msAtSixtyFour, msAtSixtyFour)));
    }

    @Test
    void aSubnetNotFasterThanALargerOneIsReportedAndNotShipped() {
        var full = subnet("w1.00", 400, 1.05, 33.6);
        var slower = subnet("w0.75", 225, 1.33, 35.1); // the measured US-Nets case: more MACs saved, more time
        var half = subnet("w0.50", 100, 0.55, 18.7);
        var quarter = subnet("w0.25", 25, 0.32, 10.9);
        DialCheck.Verdict verdict = DialCheck.check(List.of(full, slower, half, quarter), false);
        assertThat(verdict.shipped()).containsExactly(full, half, quarter);
        assertThat(verdict.problems())
                .singleElement()
                .asString()
                .contains(
                        "w0.75",
                        "not 3% faster than w1.00",
                        "1.330 ms vs 1.050 ms at batch 1",
                        "35.100 ms vs 33.600 ms at batch 64",
                        "not shipped");
    }

    @Test
    void slowerSubnetsCanBeKeptOnRequestAndAreStillReported() {
        var full = subnet("s1", 400, 1.0, 30);
        var equalAtOne = subnet("s2", 200, 1.0, 20); // equal is not faster
        DialCheck.Verdict verdict = DialCheck.check(List.of(full, equalAtOne), true);
        assertThat(verdict.shipped()).containsExactly(full, equalAtOne);
        assertThat(verdict.problems())
                .singleElement()
                .asString()
                .contains("at batch 1")
                .contains("kept as asked")
                .doesNotContain("batch 64");
    }

    @Test
    void aFasterSubnetAfterADroppedOneIsComparedWithTheLastShipped() {
        var full = subnet("s1", 400, 1.0, 30);
        var slow = subnet("s2", 300, 1.2, 31);
        var between = subnet("s3", 200, 1.1, 25); // faster than s2 but not than s1
        var fast = subnet("s4", 100, 0.5, 12);
        assertThat(DialCheck.check(List.of(full, slow, between, fast), false).shipped())
                .containsExactly(full, fast);
    }

    @Test
    void aSubnetFasterOnlyWithinTheNoiseIsNotShipped() {
        var full = subnet("w1.00", 400, 0.954, 25.48);
        var tied = subnet("w0.75", 225, 0.946, 24.56); // 12/24/48 on this CPU: 1 % faster at batch 1, 4 % at 64
        var half = subnet("w0.50", 100, 0.514, 12.48);
        DialCheck.Verdict verdict = DialCheck.check(List.of(full, tied, half), false);
        assertThat(verdict.shipped()).containsExactly(full, half);
        assertThat(verdict.problems())
                .singleElement()
                .asString()
                .contains("0.946 ms vs 0.954 ms at batch 1")
                .doesNotContain("batch 64");
    }
}
