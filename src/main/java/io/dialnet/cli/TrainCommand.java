package io.dialnet.cli;

import ai.djl.ndarray.NDManager;
import io.dialnet.AtomicFiles;
import io.dialnet.Json;
import io.dialnet.data.DataRecipe;
import io.dialnet.data.Normalization;
import io.dialnet.nn.Devices;
import io.dialnet.nn.ModelSpec;
import io.dialnet.nn.SlimmableNetwork;
import io.dialnet.nn.zoo.ModelZoo;
import io.dialnet.report.Plots;
import io.dialnet.report.SubnetTable;
import io.dialnet.train.Checkpoint;
import io.dialnet.train.DataParallel;
import io.dialnet.train.TrainConfig;
import io.dialnet.train.TrainResult;
import io.dialnet.train.Trainer;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
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
    static final String RESULTS = "results.json";
    static final String PLOT = "accuracy_vs_macs.png";

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
        Path initFile = init == null ? null : Checkpoint.resolve(init);
        Normalization pretrained =
                initFile == null ? null : Checkpoint.manifest(initFile).normalization();
        common.startEngine();
        DataRecipe.Prepared prepared = data.prepare(common.seed, 0, pretrained);
        TrainResult result = run(
                model.specFor(prepared.split().train()),
                config,
                prepared,
                out,
                resume,
                initFile,
                evalEvery,
                common.quiet,
                spec.commandLine().getErr(),
                devices);
        DataOptions.reportSkipped(prepared, spec.commandLine().getErr());
        print(spec.commandLine().getOut(), result, json);
        return 0;
    }

    /**
     * Trains on {@code devices} (several: data parallel) and writes results.json and the plot into
     * {@code out}; shared by train and demo.
     */
    static TrainResult run(
            ModelSpec modelSpec,
            TrainConfig config,
            DataRecipe.Prepared prepared,
            Path out,
            boolean resume,
            Path init,
            int evalEvery,
            boolean quiet,
            PrintWriter log,
            Devices devices) {
        try (NDManager manager = NDManager.newBaseManager(devices.primary());
                SlimmableNetwork network = ModelZoo.create(modelSpec, manager, config.seed());
                DataParallel replicas =
                        new DataParallel(network, devices, m -> ModelZoo.create(modelSpec, m, config.seed()))) {
            Trainer trainer = new Trainer(network, config, prepared, out, new ProgressListener(log, !quiet), evalEvery)
                    .dataParallel(replicas);
            if (init != null && !(resume && Files.exists(out.resolve(Trainer.CHECKPOINT)))) {
                // a fresh start from the given weights; a resumed run continues from its own checkpoint
                Checkpoint.loadWeights(init, network);
            }
            TrainResult result = trainer.train(resume);
            RunReport report = RunReport.of(modelSpec, prepared.recipe(), result);
            AtomicFiles.write(out.resolve(RESULTS), Json.pretty(report));
            Plots.accuracyVsMacs(
                    Map.of(result.method(), result.subnets()),
                    modelSpec.architecture() + " on " + prepared.recipe().source(),
                    false,
                    out.resolve(PLOT));
            return result;
        }
    }

    static void print(PrintWriter out, TrainResult result, boolean json) {
        if (json) {
            out.println(new String(Json.pretty(result.subnets()), java.nio.charset.StandardCharsets.UTF_8));
        } else {
            out.print(SubnetTable.text(result.subnets()));
            out.printf(
                    java.util.Locale.ROOT,
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
