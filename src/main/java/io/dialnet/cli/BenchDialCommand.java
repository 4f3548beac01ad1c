package io.dialnet.cli;

import io.dialnet.SimdBlock;
import io.dialnet.bench.DialBenchmark;
import io.dialnet.nn.ModelSpec;
import io.dialnet.nn.zoo.ModelZoo;
import io.dialnet.runtime.CpuContention;
import io.dialnet.runtime.LatencyProfiler;
import io.dialnet.runtime.OrtSettings;
import java.util.Arrays;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code dialnet bench dial}: each width's ONNX Runtime latency against its MACs, per set-up. */
@Command(name = "dial", mixinStandardHelpOptions = true)
final class BenchDialCommand extends DialnetCommand {
    @Mixin
    ModelOptions model;

    @Option(names = "--image-size")
    Integer imageSize;

    @Option(names = "--widths", split = ",", defaultValue = "1.0,0.75,0.5,0.25")
    List<Double> widths;

    @Option(names = "--batch-sizes", split = ",", defaultValue = "1,64")
    List<Integer> batches;

    @Option(names = "--ort-settings", defaultValue = "level=all")
    String settings;

    @Override
    public Integer call() {
        ModelSpec modelSpec = ModelZoo.spec(model.model, imageSize, null, model.groupSize);
        List<OrtSettings> setups = Arrays.stream(settings.split(";"))
                .map(s -> OrtSettings.parse(s, "--ort-settings"))
                .toList();
        int threads = common.startEngine();
        println(String.format(
                "%s at %dx%d, groups of %d, %d threads, %s; CPU: %s",
                model.model,
                modelSpec.inputSize(),
                modelSpec.inputSize(),
                modelSpec.groupSize(),
                threads,
                SimdBlock.detect(),
                LatencyProfiler.device()));
        println(DialBenchmark.HEADER);
        double before = CpuContention.othersShare();
        for (DialBenchmark.Row r : DialBenchmark.run(modelSpec, widths, batches, setups, threads)) {
            println(r.markdown());
        }
        warnIfContended(before);
        return 0;
    }
}
