package io.dialnet.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.dialnet.nn.Engines;
import io.dialnet.nn.ModelSpec;
import io.dialnet.runtime.OrtSettings;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

@Tag("engine")
class DialBenchmarkTest {
    @Test
    void widthsThatRoundToOnePlanAreTimedOnceUnderTheFirstWidthsName() {
        Engines.start();
        // in groups of 16, ResNet-20 at 0.25 and at 0.2 are both 16 channels everywhere
        ModelSpec spec = new ModelSpec("resnet20", 3, 32, 10, 16);
        List<DialBenchmark.Row> rows =
                DialBenchmark.run(spec, List.of(1.0, 0.2, 0.25, 0.5), List.of(1), List.of(OrtSettings.SERVING), 1);
        assertThat(rows).extracting(DialBenchmark.Row::subnet).containsExactly("w1.0", "w0.2", "w0.5");
        assertThat(rows.get(1).channels()).containsOnly(16);
        assertThat(rows.get(2).channels()).containsExactly(16, 16, 16, 16, 16, 16, 16, 16, 32, 32, 32, 32);
        assertThat(rows).allSatisfy(r -> assertThat(r.latency().p50()).isPositive());
        assertThat(rows.get(0).speedup()).isEqualTo(1.0);
    }
}
