package io.dialnet.cli;

import io.dialnet.SimdBlock;
import io.dialnet.bench.DialBenchmark;
import io.dialnet.nn.ModelSpec;
import io.dialnet.nn.zoo.ModelZoo;
import io.dialnet.runtime.LatencyProfiler;
import io.dialnet.runtime.OrtSettings;
import java.io.PrintWriter;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code dialnet bench dial}: each width's ONNX Runtime latency against its MACs, per set-up. */
@Command(name = "dial", mixinStandardHelpOptions = true)
final class BenchDialCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    CommonOptions common;

    @Option(names = "--model", defaultValue = "resnet20")
    String model;

    @Option(names = "--image-size")
    Integer imageSize;

    @Option(names = "--group-size", defaultValue = "0")
    int groupSize;

    @Option(names = "--widths", split = ",", defaultValue = "1.0,0.75,0.5,0.25")
    List<Double> widths;

    @Option(names = "--batch-sizes", split = ",", defaultValue = "1,64")
    List<Integer> batches;

    @Option(names = "--ort-settings", defaultValue = "level=all")
    String settings;

    @Override
    public Integer call() {
        ModelSpec modelSpec = ModelZoo.spec(model, imageSize, null, groupSize);
        List<OrtSettings> setups = Arrays.stream(settings.split(";"))
                .map(s -> OrtSettings.parse(s, "--ort-settings"))
                .toList();
        int threads = common.startEngine();
        PrintWriter out = spec.commandLine().getOut();
        out.printf(
                "%s at %dx%d, groups of %d, %d threads, %s; CPU: %s%n",
                model,
                modelSpec.inputSize(),
                modelSpec.inputSize(),
                modelSpec.groupSize(),
                threads,
                SimdBlock.detect(),
                LatencyProfiler.device());
        out.println(DialBenchmark.HEADER);
        for (DialBenchmark.Row r : DialBenchmark.run(modelSpec, widths, batches, setups, threads)) {
            out.println(r.markdown());
            out.flush();
        }
        return 0;
    }
}
