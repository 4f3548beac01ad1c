package io.dialnet.cli;

import io.dialnet.AtomicFiles;
import io.dialnet.Json;
import io.dialnet.bench.SwitchCost;
import io.dialnet.runtime.LatencyProfiler;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code dialnet bench switch}: what switching between the largest and the smallest subnet costs
 * per call ({@link SwitchCost}), per model and back end.
 */
@Command(name = "switch", mixinStandardHelpOptions = true)
final class BenchSwitchCommand extends DialnetCommand {
    @Option(names = "--model", required = true, split = ",", paramLabel = "FILE")
    List<Path> models;

    @Option(names = "--backends", split = ",", defaultValue = "onnxruntime,djl")
    List<String> backends;

    @Option(names = "--iterations", defaultValue = "5")
    int iterations;

    @Option(names = "--warmup-iterations", defaultValue = "3")
    int warmupIterations;

    @Option(names = "--forks", defaultValue = "1")
    int forks;

    @Option(names = "--pairs", defaultValue = "500")
    int pairs;

    @Option(names = "--json", paramLabel = "FILE")
    Path json;

    @Override
    public Integer call() throws Exception {
        SwitchCost cost = SwitchCost.checked(models, backends, iterations, warmupIterations, forks, pairs);
        int threads = common.threadCount();
        if (cost.needsEngine()) {
            common.startEngine(); // for the paired timing, which runs in this process
        }
        println(SwitchCost.HEADER);
        List<SwitchCost.Measurement> results = cost.measureAll(threads, r -> println(r.row()));
        println(String.format(
                "device: %s, %d engine threads; +- is the 99.9%% confidence half-width",
                LatencyProfiler.device(), threads));
        if (json != null) {
            AtomicFiles.write(json, Json.pretty(SwitchCost.report(results)));
        }
        return 0;
    }
}
