package io.dialnet.cli;

import io.dialnet.AtomicFiles;
import io.dialnet.artifact.DynamicModelFile;
import io.dialnet.bench.SwitchBenchmark;
import io.dialnet.runtime.DynamicModel;
import io.dialnet.runtime.LatencyProfiler;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.openjdk.jmh.profile.GCProfiler;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;
import org.openjdk.jmh.runner.options.VerboseMode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code dialnet bench switch}: what switching between the largest and the smallest subnet costs
 * per call, time and allocated bytes, measured with JMH ({@link SwitchBenchmark}) in a forked JVM.
 * Given several models (say ResNet-20 and ResNet-56) it shows whether the cost grows with the model.
 */
@Command(name = "switch", mixinStandardHelpOptions = true,
        description = "Switch cost between subnets (JMH): microseconds and bytes allocated per switch, per back end and model.")
final class BenchSwitchCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    CommonOptions common;

    @Option(names = "--model", required = true, split = ",", paramLabel = "FILE", description = "Dynamic models written by dialnet export (one or more).")
    List<Path> models;

    @Option(names = "--backends", split = ",", defaultValue = "onnxruntime,djl", description = "Back ends (default: ${DEFAULT-VALUE}).")
    List<String> backends;

    @Option(names = "--iterations", defaultValue = "5", description = "Measured one-second JMH iterations per fork (default: ${DEFAULT-VALUE}).")
    int iterations;

    @Option(names = "--warmup-iterations", defaultValue = "3", description = "Warm-up iterations per fork (default: ${DEFAULT-VALUE}).")
    int warmupIterations;

    @Option(names = "--forks", defaultValue = "1", description = "Forked JVMs per benchmark (default: ${DEFAULT-VALUE}).")
    int forks;

    @Option(names = "--json", paramLabel = "FILE", description = "Also write the results as JSON.")
    Path json;

    /** One model and back end: microseconds per four-call operation, and the derived switch cost. */
    record Measurement(String model, String backend, int threads, Score alternating, Score grouped,
            Score switchMicros, double switchBytes) {}

    /** A JMH score with its 99.9% confidence half-width. */
    record Score(double value, double error) {}

    @Override
    public Integer call() throws Exception {
        if (iterations < 1 || warmupIterations < 0 || forks < 1) {
            throw new IllegalArgumentException("--iterations and --forks must be >= 1, --warmup-iterations >= 0");
        }
        int threads = common.threads > 0 ? common.threads : Runtime.getRuntime().availableProcessors();
        for (Path m : models) {
            DynamicModelFile.read(m); // a clear error here rather than a failed fork later
        }
        backends.forEach(b -> DynamicModel.Backend.parse(b, "--backends"));
        PrintWriter out = spec.commandLine().getOut();
        out.printf("%-24s %-12s %18s %18s %16s %13s%n", "model", "backend", "LSLS us", "LLSS us", "switch us",
                "switch bytes");
        List<Measurement> results = new ArrayList<>();
        for (Path m : models) {
            for (String b : backends) {
                Measurement r = measure(m, b, threads);
                results.add(r);
                out.printf(Locale.ROOT, "%-24s %-12s %18s %18s %16s %13.0f%n", m.getFileName(), b,
                        format(r.alternating()), format(r.grouped()), format(r.switchMicros()), r.switchBytes());
                out.flush();
            }
        }
        out.printf("device: %s, %d engine threads; +- is JMH's 99.9%% confidence half-width%n",
                LatencyProfiler.device(), threads);
        if (json != null) {
            Map<String, Object> report = new LinkedHashMap<>();
            report.put("device", LatencyProfiler.device());
            report.put("results", results);
            AtomicFiles.write(json, Json.pretty(report));
        }
        out.flush();
        return 0;
    }

    private Measurement measure(Path model, String backend, int threads) throws Exception {
        var options = new OptionsBuilder()
                .include(SwitchBenchmark.class.getName() + "\\.")
                .param("artifact", model.toAbsolutePath().toString())
                .param("backend", backend)
                .param("threads", Integer.toString(threads))
                .warmupIterations(warmupIterations).warmupTime(TimeValue.seconds(1))
                .measurementIterations(iterations).measurementTime(TimeValue.seconds(1))
                .forks(forks)
                .jvmArgsAppend("-Dai.djl.offline=true", "-Xss4m", "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn")
                .addProfiler(GCProfiler.class)
                .shouldFailOnError(true)
                .verbosity(VerboseMode.SILENT)
                .build();
        Collection<RunResult> runs = new Runner(options).run();
        Map<String, RunResult> byName = new LinkedHashMap<>();
        for (RunResult r : runs) {
            String label = r.getParams().getBenchmark();
            byName.put(label.substring(label.lastIndexOf('.') + 1), r);
        }
        Score alternating = score(byName.get("alternating").getPrimaryResult());
        Score grouped = score(byName.get("grouped").getPrimaryResult());
        // Two more switches per alternating operation; independent errors add in quadrature.
        Score perSwitch = new Score((alternating.value() - grouped.value()) / 2,
                Math.sqrt(sq(alternating.error()) + sq(grouped.error())) / 2);
        double bytes = (bytes(byName.get("alternating")) - bytes(byName.get("grouped"))) / 2;
        return new Measurement(model.toString(), backend, threads, alternating, grouped, perSwitch, bytes);
    }

    private static Score score(Result<?> r) {
        return new Score(r.getScore(), Double.isNaN(r.getScoreError()) ? 0 : r.getScoreError());
    }

    private static double bytes(RunResult r) {
        Result<?> alloc = r.getSecondaryResults().get("gc.alloc.rate.norm");
        return alloc == null ? Double.NaN : alloc.getScore();
    }

    private static double sq(double x) {
        return x * x;
    }

    private static String format(Score s) {
        return String.format(Locale.ROOT, "%.1f +- %.1f", s.value(), s.error());
    }
}
