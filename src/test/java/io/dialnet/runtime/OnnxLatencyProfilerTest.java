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
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Subnet latency is measured on ONNX Runtime in a child process and cached per machine. */
@Tag("engine")
class OnnxLatencyProfilerTest {
    @TempDir
    Path cache;

    @Test
    void measuresInAChildProcessAndReusesTheFigureOnTheSameMachine() throws Exception {
        Engines.start();
        byte[] graph;
        try (NDManager manager = NDManager.newBaseManager();
                SlimmableNetwork net = ModelZoo.create(new ModelSpec("cnn", 1, 28, 10, 0), manager, 1)) {
            net.register(net.fullPlan(), false);
            graph = OnnxExport.subnet(net, net.fullPlan(), "full", Map.of());
        }
        Manifest.Latency first;
        try (OnnxLatencyProfiler profiler = new OnnxLatencyProfiler(1, cache)) {
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
        try (OnnxLatencyProfiler again = new OnnxLatencyProfiler(1, cache)) {
            assertThat(again.measure(graph, 2, 1, 28)).isEqualTo(first);
            assertThat(again.started()).as("answered from the cache").isFalse();
        }
        try (OnnxLatencyProfiler otherThreads = new OnnxLatencyProfiler(2, cache)) {
            otherThreads.measure(graph, 2, 1, 28);
            assertThat(otherThreads.started())
                    .as("another set-up is another fingerprint")
                    .isTrue();
        }
    }
}
