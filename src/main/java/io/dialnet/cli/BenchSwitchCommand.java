package io.dialnet.cli;

import io.dialnet.AtomicFiles;
import io.dialnet.Json;
import io.dialnet.bench.SwitchCost;
import io.dialnet.runtime.LatencyProfiler;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code dialnet bench switch}: what switching between the largest and the smallest subnet costs
 * per call ({@link SwitchCost}), per model and back end.
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

    @Override
    public Integer call() throws Exception {
        SwitchCost cost = SwitchCost.checked(models, backends, iterations, warmupIterations, forks, pairs);
        int threads = common.threads > 0 ? common.threads : Runtime.getRuntime().availableProcessors();
        if (cost.needsEngine()) {
            common.startEngine(); // for the paired timing, which runs in this process
        }
        PrintWriter out = spec.commandLine().getOut();
        out.printf(
                "%-20s %-12s %18s %18s %16s %16s %13s%n",
                "model", "backend", "LSLS us", "LLSS us", "switch us", "paired us", "switch bytes");
        List<SwitchCost.Measurement> results = cost.measureAll(threads, r -> print(out, r));
        out.printf(
                "device: %s, %d engine threads; +- is the 99.9%% confidence half-width%n",
                LatencyProfiler.device(), threads);
        if (json != null) {
            AtomicFiles.write(json, Json.pretty(SwitchCost.report(results)));
        }
        out.flush();
        return 0;
    }

    private static void print(PrintWriter out, SwitchCost.Measurement r) {
        out.printf(
                Locale.ROOT,
                "%-20s %-12s %18s %18s %16s %16s %13.0f%n",
                Path.of(r.model()).getFileName(),
                r.backend(),
                format(r.alternating()),
                format(r.grouped()),
                format(r.switchMicros()),
                format(r.pairedSwitchMicros()),
                r.switchBytes());
        out.flush();
    }

    private static String format(SwitchCost.Score s) {
        return String.format(Locale.ROOT, "%.1f +- %.1f", s.value(), s.error());
    }
}
