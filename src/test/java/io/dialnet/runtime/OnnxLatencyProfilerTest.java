package io.dialnet.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDManager;
import io.dialnet.artifact.Manifest;
import io.dialnet.export.OnnxExport;
import io.dialnet.nn.Engines;
import io.dialnet.nn.ModelSpec;
import io.dialnet.nn.SlimmableNetwork;
import io.dialnet.nn.zoo.ModelZoo;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Subnet latency is measured on ONNX Runtime in a child process and cached per machine. */
@Tag("engine")
class OnnxLatencyProfilerTest {
    @TempDir
    Path cache;

    private static byte[] graph() {
        return graph(1.0);
    }

    /** The compact graph of the small CNN's uniform plan at {@code width}. */
    private static byte[] graph(double width) {
        Engines.start();
        try (NDManager manager = NDManager.newBaseManager();
                SlimmableNetwork net = ModelZoo.create(new ModelSpec("cnn", 1, 28, 10, 0), manager, 1)) {
            net.register(net.uniformPlan(width), false);
            return OnnxExport.subnet(net, net.uniformPlan(width), "w" + width, Map.of());
        }
    }

    @Test
    void graphsMeasuredTogetherGetOneFigureEachAndAreCachedEach() {
        byte[] full = graph(1.0);
        byte[] quarter = graph(0.25);
        List<Manifest.Latency> together;
        try (OnnxLatencyProfiler profiler = quiet(1)) {
            together = profiler.measureTogether(List.of(full, quarter), 4, 1, 28);
        }
        assertThat(together).hasSize(2).allSatisfy(l -> {
            assertThat(l.batchSize()).isEqualTo(4);
            assertThat(l.p50()).isPositive().isLessThanOrEqualTo(l.p90());
        });
        try (OnnxLatencyProfiler again = quiet(1)) {
            assertThat(again.measure(quarter, 4, 1, 28)).isEqualTo(together.get(1));
            assertThat(again.measureTogether(List.of(full, quarter), 4, 1, 28)).isEqualTo(together);
            assertThat(again.started()).as("answered from the cache").isFalse();
        }
    }

    /** A profiler on a machine that nothing else uses (the real one may be busy while the tests run). */
    private OnnxLatencyProfiler quiet(int threads) {
        return new OnnxLatencyProfiler(threads, OrtSettings.SERVING, cache, false, () -> 0.0);
    }

    @Test
    void measuresInAChildProcessAndReusesTheFigureOnTheSameMachine() throws Exception {
        byte[] graph = graph();
        Manifest.Latency first;
        try (OnnxLatencyProfiler profiler = quiet(1)) {
            first = profiler.measure(graph, 2, 1, 28);
            assertThat(profiler.started()).isTrue();
        }
        assertThat(first.p50()).isPositive();
        assertThat(first.p50()).isLessThanOrEqualTo(first.p90());
        assertThat(first.p90()).isLessThanOrEqualTo(first.p99());
        assertThat(first.batchSize()).isEqualTo(2);
        assertThat(first.backend()).isEqualTo("onnxruntime");
        try (var files = Files.list(cache)) {
            assertThat(files.toList())
                    .singleElement()
                    .satisfies(f -> assertThat(f.getFileName().toString()).startsWith("onnx-latency-"));
        }
        try (OnnxLatencyProfiler again = quiet(1)) {
            assertThat(again.measure(graph, 2, 1, 28)).isEqualTo(first);
            assertThat(again.started()).as("answered from the cache").isFalse();
        }
        try (OnnxLatencyProfiler otherThreads = quiet(2)) {
            otherThreads.measure(graph, 2, 1, 28);
            assertThat(otherThreads.started())
                    .as("another set-up is another fingerprint")
                    .isTrue();
        }
    }

    @Test
    void aFigureMeasuredBesideABusyProcessIsFlaggedAndNotCached() {
        byte[] graph = graph();
        try (OnnxLatencyProfiler busy = new OnnxLatencyProfiler(1, OrtSettings.SERVING, cache, false, () -> 0.6)) {
            busy.measure(graph, 2, 1, 28);
            assertThat(busy.contention()).hasValue(0.6);
        }
        assertThat(cache).isEmptyDirectory();
        Manifest.Latency quiet;
        try (OnnxLatencyProfiler profiler = new OnnxLatencyProfiler(1, OrtSettings.SERVING, cache, false, () -> 0.1)) {
            quiet = profiler.measure(graph, 2, 1, 28);
            assertThat(profiler.contention()).as("below the threshold").isEmpty();
        }
        assertThat(cache).isNotEmptyDirectory();
        // asked to, it measures a cached graph again (and caches the new figure)
        try (OnnxLatencyProfiler again = new OnnxLatencyProfiler(1, OrtSettings.SERVING, cache, true, () -> 0.0)) {
            again.measure(graph, 2, 1, 28);
            assertThat(again.started()).isTrue();
        }
        try (OnnxLatencyProfiler cached = new OnnxLatencyProfiler(1, OrtSettings.SERVING, cache, false, () -> 0.9)) {
            assertThat(cached.measure(graph, 2, 1, 28)).isNotNull();
            assertThat(cached.started()).isFalse();
            assertThat(cached.contention()).as("nothing was measured").isEmpty();
        }
        assertThat(quiet.p50()).isPositive();
    }

    @Test
    void anotherProcessSpinningACoreIsSeen() throws Exception {
        Process spinner = new ProcessBuilder("sh", "-c", "while :; do :; done").start();
        try {
            Thread.sleep(200);
            double share = CpuContention.othersShare(Duration.ofMillis(500));
            // one core of all of them at least (more if the machine is busier still)
            assertThat(share).isGreaterThanOrEqualTo(0.8 / Runtime.getRuntime().availableProcessors());
        } finally {
            spinner.destroyForcibly().waitFor();
        }
    }
}
