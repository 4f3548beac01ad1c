package io.dialnet.bench;

import io.dialnet.nn.Engines;
import io.dialnet.runtime.DynamicModel;
import java.nio.file.Path;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.infra.Blackhole;

/**
 * What switching subnets costs a caller. Both benchmarks make the same four batch-1 predictions,
 * two of the largest subnet (L) and two of the smallest (S), and differ only in order:
 * {@link #alternating} runs L S L S (four switches per operation, counting the one into the next
 * operation) and {@link #grouped} runs L L S S (two). Equal work, so the switch cost is
 * {@code (alternating - grouped) / 2}; it includes whatever a switch does to caches and to the
 * engine's per-shape state, not only the subnet lookup.
 */
@State(Scope.Benchmark)
@BenchmarkMode(org.openjdk.jmh.annotations.Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class SwitchBenchmark {
    /** The dynamic model file. */
    @Param("")
    public String artifact;

    /** {@code onnxruntime} or {@code djl}. */
    @Param("onnxruntime")
    public String backend;

    /** Engine threads. */
    @Param("1")
    public int threads;

    private DynamicModel model;
    private String large;
    private String small;
    private float[] input;

    @Setup(Level.Trial)
    public void load() throws Exception {
        DynamicModel.Backend b = DynamicModel.Backend.parse(backend, "backend");
        if (b == DynamicModel.Backend.DJL) {
            Engines.start();
            Engines.setThreads(threads);
        }
        model = DynamicModel.load(Path.of(artifact), b, threads);
        large = model.subnets().get(0).name();
        small = model.subnets().get(model.subnets().size() - 1).name();
        var spec = model.manifest().model();
        input = new float[spec.inputChannels() * spec.inputSize() * spec.inputSize()];
        Random random = new Random(1);
        for (int i = 0; i < input.length; i++) {
            input[i] = (float) random.nextGaussian();
        }
    }

    @TearDown(Level.Trial)
    public void close() {
        model.close();
    }

    @Benchmark
    public void alternating(Blackhole sink) {
        sink.consume(model.predict(input, 1, large));
        sink.consume(model.predict(input, 1, small));
        sink.consume(model.predict(input, 1, large));
        sink.consume(model.predict(input, 1, small));
    }

    @Benchmark
    public void grouped(Blackhole sink) {
        sink.consume(model.predict(input, 1, large));
        sink.consume(model.predict(input, 1, large));
        sink.consume(model.predict(input, 1, small));
        sink.consume(model.predict(input, 1, small));
    }
}
