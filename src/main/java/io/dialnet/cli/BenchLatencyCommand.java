package io.dialnet.cli;

import io.dialnet.bench.SubnetLatency;
import io.dialnet.nn.Devices;
import io.dialnet.runtime.CpuContention;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code dialnet bench latency}: every subnet's latency per back end and batch size, with achieved
 * GMAC/s ({@link SubnetLatency}).
 */
@Command(name = "latency", mixinStandardHelpOptions = true)
final class BenchLatencyCommand extends DialnetCommand {
    @Mixin
    DeviceOptions device;

    @Option(names = "--model", required = true, paramLabel = "FILE")
    Path model;

    @Option(names = "--batch-sizes", split = ",", defaultValue = "1,64")
    List<Integer> batchSizes;

    @Option(names = "--backends", split = ",", defaultValue = "onnxruntime,djl")
    List<String> backends;

    @Option(names = "--runs", defaultValue = "50")
    int runs;

    @Option(names = "--warmup", defaultValue = "10")
    int warmup;

    @Option(names = "--no-store")
    boolean noStore;

    @Option(names = "--plot", paramLabel = "PNG")
    Path plot;

    @Override
    public Integer call() throws Exception {
        SubnetLatency bench = new SubnetLatency(model, batchSizes, backends, runs, warmup, !noStore, plot);
        Devices devices = device.parsed("bench latency");
        int threads = common.startEngine();
        println(SubnetLatency.HEADER);
        double before = CpuContention.othersShare();
        SubnetLatency.Stored stored = bench.run(devices, threads, row -> println(row.line()));
        warnIfContended(before);
        if (!noStore) {
            println(String.format(
                    "stored %d measurements per subnet in %s (device: %s, %d threads)",
                    stored.perSubnet(), model, stored.device(), threads));
        }
        return 0;
    }
}
