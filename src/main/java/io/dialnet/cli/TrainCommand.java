package io.dialnet.cli;

import io.dialnet.Json;
import io.dialnet.experiment.TrainPlan;
import io.dialnet.nn.Devices;
import io.dialnet.report.SubnetTable;
import io.dialnet.train.TrainConfig;
import io.dialnet.train.TrainResult;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code dialnet train}: trains a slimmable network with one strategy and reports every subnet. */
@Command(
        name = "train",
        mixinStandardHelpOptions = true,
        description = "Train a slimmable network (individual, uniform/US-Nets or joint) and evaluate its subnets.")
final class TrainCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    CommonOptions common;

    @Mixin
    DataOptions data;

    @Mixin
    TrainingOptions training;

    @Mixin
    ModelOptions model;

    @Mixin
    DeviceOptions device;

    @Option(
            names = "--out",
            required = true,
            paramLabel = "DIR",
            description = "Output directory: checkpoint.zip, metrics.jsonl, results.json, accuracy_vs_macs.png.")
    Path out;

    @Option(names = "--resume", description = "Continue from DIR/checkpoint.zip if it exists (same options required).")
    boolean resume;

    @Option(
            names = "--overwrite",
            description = "Start again in a DIR that holds an earlier run, replacing its outputs.")
    boolean overwrite;

    @Option(
            names = "--init",
            paramLabel = "CHECKPOINT",
            description =
                    "Start from the weights of this checkpoint (or a directory holding one), e.g. one written by dialnet import: fine-tuning. Its input normalisation is used for the data.")
    Path init;

    @Option(
            names = "--eval-every",
            defaultValue = "1",
            paramLabel = "N",
            description = "Validate every N epochs; 0 = only at the end (default: ${DEFAULT-VALUE}).")
    int evalEvery;

    @Option(names = "--json", description = "Print the results as JSON instead of a table.")
    boolean json;

    @Override
    public Integer call() {
        model.requireKnown();
        TrainConfig config = training.toConfig(common.seed);
        Devices devices = device.devices();
        RunDirectory.prepare(out, resume, overwrite, RunDirectory.TRAIN);
        common.startEngine();
        PrintWriter err = spec.commandLine().getErr();
        TrainPlan.Trained trained = new TrainPlan(
                        model.model, model.groupSize, config, out, resume, init, evalEvery, devices)
                .run(data.request(), new ProgressListener(err, !common.quiet));
        if (trained.skippedImages() > 0) {
            err.printf("dialnet: skipped %d unreadable images (--skip-bad-images)%n", trained.skippedImages());
            err.flush();
        }
        print(spec.commandLine().getOut(), trained.result(), json);
        return 0;
    }

    static void print(PrintWriter out, TrainResult result, boolean json) {
        if (json) {
            out.println(Json.prettyText(result.subnets()));
        } else {
            out.print(SubnetTable.text(result.subnets()));
            out.printf(
                    Locale.ROOT,
                    "trained %s for %d epochs at %.0f images/s (%.0f s, %.3g images x MACs)%n",
                    result.method(),
                    result.config().epochs(),
                    result.imagesPerSecond(),
                    result.trainingSeconds(),
                    result.trainingCompute());
        }
        out.flush();
    }
}
