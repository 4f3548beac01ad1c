package io.dialnet.serve;

import static org.assertj.core.api.Assertions.assertThat;

import io.dialnet.artifact.Manifest;
import java.util.List;
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
}
