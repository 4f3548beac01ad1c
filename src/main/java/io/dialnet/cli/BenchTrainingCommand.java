package io.dialnet.cli;

import io.dialnet.Json;
import io.dialnet.bench.TrainingThroughput;
import io.dialnet.nn.Devices;
import io.dialnet.train.Strategy;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code dialnet bench training}: images per second of the training step and of the loader
 * ({@link TrainingThroughput}).
 */
@Command(name = "training", mixinStandardHelpOptions = true)
final class BenchTrainingCommand extends DialnetCommand {
    @Mixin
    DeviceOptions device;

    @Option(names = "--model", defaultValue = "resnet20")
    String model;

    @Option(names = "--strategy", defaultValue = "individual")
    Strategy strategy;

    @Option(names = "--batch-size", defaultValue = "128")
    int batchSize;

    @Option(names = "--steps", defaultValue = "20")
    int steps;

    @Option(names = "--rounds", defaultValue = "3")
    int rounds;

    @Option(names = "--data", paramLabel = "FORMAT:DIR")
    String data;

    @Option(names = "--loader-threads", paramLabel = "N")
    Integer loaderThreads;

    @Option(names = "--image-size", paramLabel = "N")
    Integer imageSize;

    @Option(names = "--loader-batches", defaultValue = "0", paramLabel = "N")
    int loaderBatches;

    @Option(names = "--json")
    boolean json;

    @Override
    public Integer call() {
        TrainingThroughput bench = new TrainingThroughput(
                model, strategy, batchSize, steps, rounds, data, loaderThreads, imageSize, loaderBatches, common.seed);
        Devices devices = device.devices();
        int threads = common.startEngine();
        TrainingThroughput.Result result = bench.run(devices, threads);
        print(json ? Json.prettyText(result.report()) + System.lineSeparator() : result.text());
        return 0;
    }
}
