package io.dialnet.cli;

import io.dialnet.Json;
import io.dialnet.bench.TrainingThroughput;
import io.dialnet.nn.Devices;
import java.io.PrintWriter;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code dialnet bench training}: images per second of the training step and the loader ({@link TrainingThroughput}). */
@Command(
        name = "training",
        mixinStandardHelpOptions = true,
        description = "Training-step throughput with preloaded batches vs the real loader, and the loader alone.")
final class BenchTrainingCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    CommonOptions common;

    @Mixin
    DeviceOptions device;

    @Option(names = "--model", defaultValue = "resnet20", description = "Architecture (default: ${DEFAULT-VALUE}).")
    String model;

    @Option(
            names = "--strategy",
            defaultValue = "individual",
            description = "individual (full width) or uniform (the 4-width sandwich) (default: ${DEFAULT-VALUE}).")
    String strategy;

    @Option(names = "--batch-size", defaultValue = "128", description = "Images per step (default: ${DEFAULT-VALUE}).")
    int batchSize;

    @Option(names = "--steps", defaultValue = "20", description = "Timed steps per round (default: ${DEFAULT-VALUE}).")
    int steps;

    @Option(
            names = "--rounds",
            defaultValue = "3",
            description = "Rounds of (preloaded, loader); medians are reported (default: ${DEFAULT-VALUE}).")
    int rounds;

    @Option(
            names = "--data",
            paramLabel = "FORMAT:DIR",
            description = "Real images to load (default: 10,000 random images of the model's input size).")
    String data;

    @Option(
            names = "--loader-threads",
            paramLabel = "N",
            description = "folder: threads decoding images (default: half the cores, 1..8).")
    Integer loaderThreads;

    @Option(
            names = "--image-size",
            paramLabel = "N",
            description = "folder: pixels per side of the crops (default: the model's input size).")
    Integer imageSize;

    @Option(
            names = "--loader-batches",
            defaultValue = "0",
            paramLabel = "N",
            description = "Batches timed for the loader alone (default: 0 = one epoch).")
    int loaderBatches;

    @Option(names = "--json", description = "Print JSON.")
    boolean json;

    @Override
    public Integer call() {
        TrainingThroughput bench = new TrainingThroughput(
                model, strategy, batchSize, steps, rounds, data, loaderThreads, imageSize, loaderBatches, common.seed);
        Devices devices = device.devices();
        int threads = common.startEngine();
        TrainingThroughput.Result result = bench.run(devices, threads);
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            out.println(Json.prettyText(result.report()));
        } else {
            print(out, result);
        }
        out.flush();
        return 0;
    }

    private void print(PrintWriter out, TrainingThroughput.Result r) {
        out.printf(
                Locale.ROOT,
                "%s, %s, batch %d, %s, %d threads, %d rounds of %d steps%n",
                model,
                strategy,
                batchSize,
                r.devices(),
                r.threads(),
                rounds,
                steps);
        out.printf(Locale.ROOT, "training, preloaded batches   %8.1f images/s%n", r.preloadedMedian());
        out.printf(
                Locale.ROOT,
                "training, real loader         %8.1f images/s  (%.1f%% of preloaded)%n",
                r.loaderMedian(),
                100 * r.loaderMedian() / r.preloadedMedian());
        out.printf(
                Locale.ROOT,
                "loader alone (%d thread%s)     %8.1f images/s%n",
                r.loaderThreads(),
                r.loaderThreads() > 1 ? "s" : "",
                r.loaderAlone());
        out.printf(
                Locale.ROOT,
                "CPU per image: training step %.1f ms, loader %.2f ms (%.0f images per core-second; %.1f%% of the step)%n",
                r.trainingCpuMsPerImage(),
                r.loaderCpuMsPerImage(),
                1000 / r.loaderCpuMsPerImage(),
                100 * r.loaderCpuMsPerImage() / r.trainingCpuMsPerImage());
    }
}
