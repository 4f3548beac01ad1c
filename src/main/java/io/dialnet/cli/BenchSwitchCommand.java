package io.dialnet.cli;

import io.dialnet.AtomicFiles;
import io.dialnet.Json;
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
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code dialnet bench switch}: what switching between the largest and the smallest subnet costs
 * per call: allocated bytes and time with JMH ({@link SwitchBenchmark}, forked JVMs), and time again
 * with a paired in-process timing that cancels the machine's drift. Given several models (say
 * ResNet-20 and ResNet-56) it shows whether the cost grows with the model.
 */
@Command(
        name = "switch",
        mixinStandardHelpOptions = true,
        description =
                "Switch cost between subnets (JMH): microseconds and bytes allocated per switch, per back end and model.")
final class BenchSwitchCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    CommonOptions common;

    @Option(
            names = "--model",
            required = true,
            split = ",",
            paramLabel = "FILE",
            description = "Dynamic models written by dialnet export (one or more).")
    List<Path> models;

    @Option(
            names = "--backends",
            split = ",",
            defaultValue = "onnxruntime,djl",
            description = "Back ends (default: ${DEFAULT-VALUE}).")
    List<String> backends;

    @Option(
            names = "--iterations",
            defaultValue = "5",
            description = "Measured one-second JMH iterations per fork (default: ${DEFAULT-VALUE}).")
    int iterations;

    @Option(
            names = "--warmup-iterations",
            defaultValue = "3",
            description = "Warm-up iterations per fork (default: ${DEFAULT-VALUE}).")
    int warmupIterations;

    @Option(
            names = "--forks",
            defaultValue = "1",
            description = "Forked JVMs per benchmark (default: ${DEFAULT-VALUE}).")
    int forks;

    @Option(
            names = "--pairs",
            defaultValue = "500",
            description = "Rounds of the paired in-process timing (default: ${DEFAULT-VALUE}).")
    int pairs;

    @Option(names = "--json", paramLabel = "FILE", description = "Also write the results as JSON.")
    Path json;

    /**
     * One model and back end: JMH's microseconds per four-call operation in each order, the switch
     * cost derived from them and from the paired timing, and bytes allocated per switch.
     */
    record Measurement(
            String model,
            String backend,
            int threads,
            Score alternating,
            Score grouped,
            Score switchMicros,
            Score pairedSwitchMicros,
            double switchBytes) {}

    /** A measured value with its 99.9% confidence half-width. */
    record Score(double value, double error) {}

    @Override
    public Integer call() throws Exception {
        if (iterations < 1 || warmupIterations < 0 || forks < 1 || pairs < 2) {
            throw new IllegalArgumentException(
                    "--iterations and --forks must be >= 1, --warmup-iterations >= 0, " + "--pairs >= 2");
        }
        int threads = common.threads > 0 ? common.threads : Runtime.getRuntime().availableProcessors();
        for (Path m : models) {
            DynamicModelFile.read(m); // a clear error here rather than a failed fork later
        }
        if (backends.stream()
                .map(b -> DynamicModel.Backend.parse(b, "--backends"))
                .toList()
                .contains(DynamicModel.Backend.DJL)) {
            common.startEngine(); // for the paired timing, which runs in this process
        }
        PrintWriter out = spec.commandLine().getOut();
        out.printf(
                "%-20s %-12s %18s %18s %16s %16s %13s%n",
                "model", "backend", "LSLS us", "LLSS us", "switch us", "paired us", "switch bytes");
        List<Measurement> results = new ArrayList<>();
        for (Path m : models) {
            for (String b : backends) {
                Measurement r = measure(m, b, threads);
                results.add(r);
                out.printf(
                        Locale.ROOT,
                        "%-20s %-12s %18s %18s %16s %16s %13.0f%n",
                        m.getFileName(),
                        b,
                        format(r.alternating()),
                        format(r.grouped()),
                        format(r.switchMicros()),
                        format(r.pairedSwitchMicros()),
                        r.switchBytes());
                out.flush();
            }
        }
        out.printf(
                "device: %s, %d engine threads; +- is the 99.9%% confidence half-width%n",
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
                .warmupIterations(warmupIterations)
                .warmupTime(TimeValue.seconds(1))
                .measurementIterations(iterations)
                .measurementTime(TimeValue.seconds(1))
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
        Score perSwitch = new Score(
                (alternating.value() - grouped.value()) / 2,
                Math.sqrt(sq(alternating.error()) + sq(grouped.error())) / 2);
        double bytes = (bytes(byName.get("alternating")) - bytes(byName.get("grouped"))) / 2;
        return new Measurement(
                model.toString(),
                backend,
                threads,
                alternating,
                grouped,
                perSwitch,
                paired(model, backend, threads),
                bytes);
    }

    /**
     * The same two orders timed back to back in every round (which goes first alternates), in this
     * process: the machine's drift, which dominates JMH's separate runs here, cancels in each
     * round's difference. Returns the mean per-switch difference and its 99.9% half-width.
     */
    private Score paired(Path model, String backend, int threads) throws Exception {
        try (DynamicModel m = DynamicModel.load(model, DynamicModel.Backend.parse(backend, "--backends"), threads)) {
            String large = m.subnets().get(0).name();
            String small = m.subnets().get(m.subnets().size() - 1).name();
            var spec = m.manifest().model();
            float[] x = new float[spec.inputChannels() * spec.inputSize() * spec.inputSize()];
            String[] alternating = {large, small, large, small};
            String[] grouped = {large, large, small, small};
            int warmup = Math.max(10, pairs / 10);
            double[] perSwitch = new double[pairs];
            for (int r = 0; r < warmup + pairs; r++) {
                boolean alternatingFirst = r % 2 == 0;
                long first = time(m, x, alternatingFirst ? alternating : grouped);
                long second = time(m, x, alternatingFirst ? grouped : alternating);
                if (r >= warmup) {
                    // three switches inside L S L S against one inside L L S S
                    perSwitch[r - warmup] = (alternatingFirst ? first - second : second - first) / 2e3;
                }
            }
            double mean = java.util.Arrays.stream(perSwitch).average().orElseThrow();
            double var = java.util.Arrays.stream(perSwitch)
                            .map(d -> (d - mean) * (d - mean))
                            .sum()
                    / (pairs - 1);
            return new Score(mean, 3.29 * Math.sqrt(var / pairs));
        }
    }

    private static long time(DynamicModel m, float[] x, String[] order) {
        long start = System.nanoTime();
        for (String subnet : order) {
            m.predict(x, 1, subnet);
        }
        return System.nanoTime() - start;
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
