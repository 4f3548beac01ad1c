package io.dialnet.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import io.dialnet.artifact.Manifest;
import io.dialnet.nn.Devices;
import io.dialnet.nn.ModelSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DynamicModelWarmUpTest {
    /** Records each run as "subnet@batch" after checking the input's shape. */
    private static final class Recording implements SubnetRunner {
        final List<String> runs = new ArrayList<>();

        @Override
        public synchronized float[] run(float[] input, long[] shape, String subnet) {
            assertThat(input).hasSize((int) (shape[0] * shape[1] * shape[2] * shape[3]));
            runs.add(subnet + "@" + shape[0]);
            return new float[(int) shape[0] * 10];
        }

        @Override
        public void close() {}
    }

    private static Manifest.SubnetEntry subnet(String name) {
        return new Manifest.SubnetEntry(name, List.of(4), 100, 10, 0.9, null, List.of());
    }

    @Test
    void warmUpRunsEverySubnetAtBatchOneAndAtTheServersLargestBatch() {
        Manifest manifest = new Manifest(
                1,
                new ModelSpec("cnn", 3, 8, 10, 0),
                List.of(),
                List.of(),
                Map.of(),
                List.of(subnet("big"), subnet("small")),
                Map.of(),
                Map.of());
        Recording runner = new Recording();
        try (DynamicModel model = new DynamicModel(manifest, DynamicModel.Backend.ONNXRUNTIME, Devices.CPU, runner)) {
            model.warmUp(16);
            assertThat(runner.runs)
                    .containsExactly("big@1", "big@1", "big@1", "big@16", "small@1", "small@1", "small@1", "small@16");
            runner.runs.clear();
            model.warmUp(1); // a server that never batches warms batch 1 only
            assertThat(runner.runs).containsExactly("big@1", "big@1", "big@1", "small@1", "small@1", "small@1");
        }
    }
}
