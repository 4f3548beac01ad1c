package io.dialnet.experiment;

import ai.djl.ndarray.NDManager;
import io.dialnet.AtomicFiles;
import io.dialnet.Json;
import io.dialnet.data.DataRecipe;
import io.dialnet.data.DataRequest;
import io.dialnet.data.ImageSet;
import io.dialnet.data.Normalization;
import io.dialnet.nn.Devices;
import io.dialnet.nn.ModelSpec;
import io.dialnet.nn.SlimmableNetwork;
import io.dialnet.nn.zoo.ModelZoo;
import io.dialnet.report.Plots;
import io.dialnet.train.Checkpoint;
import io.dialnet.train.DataParallel;
import io.dialnet.train.TrainConfig;
import io.dialnet.train.TrainResult;
import io.dialnet.train.Trainer;
import io.dialnet.train.TrainingListener;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * A training run as {@code train} and {@code demo} start it. Besides the trainer's checkpoint and
 * metrics, the output directory receives {@value #RESULTS} (the subnets, model, data recipe and
 * training result) and {@value #PLOT}.
 *
 * @param architecture a zoo architecture; its input comes from the data
 * @param groupSize channels per group (0 = this CPU's SIMD block)
 * @param config the recipe and strategy
 * @param out the output directory
 * @param resume continue the run in {@code out} from its checkpoint
 * @param init a checkpoint (or a directory holding one) whose weights start a fresh run, or
 *     {@code null}; its input normalisation is used for the data
 * @param evalEvery validate every this many epochs (0 = only at the end)
 * @param devices where to train (several: data parallel, one replica each)
 */
public record TrainPlan(
        String architecture,
        int groupSize,
        TrainConfig config,
        Path out,
        boolean resume,
        Path init,
        int evalEvery,
        Devices devices) {
    public static final String RESULTS = "results.json";
    public static final String PLOT = "accuracy_vs_macs.png";

    /** A finished run and how many unreadable images were skipped while reading its data. */
    public record Trained(TrainResult result, int skippedImages) {}

    /** Reads {@code data} (normalised as the {@link #init} weights expect, if any), then trains. */
    public Trained run(DataRequest data, TrainingListener listener) {
        Normalization pretrained = normalizationOf(init);
        DataRecipe.Prepared prepared = data.prepare(config.seed(), 0, pretrained);
        TrainResult result =
                train(specFor(architecture, groupSize, prepared.split().train()), prepared, listener);
        return new Trained(result, prepared.skippedImages());
    }

    /** Trains {@code model} on {@code data} and writes the results and the plot into {@link #out}. */
    public TrainResult train(ModelSpec model, DataRecipe.Prepared data, TrainingListener listener) {
        try (NDManager manager = NDManager.newBaseManager(devices.primary());
                SlimmableNetwork network = ModelZoo.create(model, manager, config.seed());
                DataParallel replicas =
                        new DataParallel(network, devices, m -> ModelZoo.create(model, m, config.seed()))) {
            Trainer trainer = new Trainer(network, config, data, out, listener, evalEvery).dataParallel(replicas);
            if (init != null && !(resume && Files.exists(out.resolve(Trainer.CHECKPOINT)))) {
                // a fresh start from the given weights; a resumed run continues from its own checkpoint
                Checkpoint.loadWeights(Checkpoint.resolve(init), network);
            }
            TrainResult result = trainer.train(resume);
            AtomicFiles.write(out.resolve(RESULTS), Json.pretty(RunReport.of(model, data.recipe(), result)));
            Plots.accuracyVsMacs(
                    Map.of(result.method(), result.subnets()),
                    model.architecture() + " on " + data.recipe().source(),
                    false,
                    out.resolve(PLOT));
            return result;
        }
    }

    /** {@code architecture} for images like those of {@code train}. */
    static ModelSpec specFor(String architecture, int groupSize, ImageSet train) {
        return ModelSpec.forImages(
                architecture, train.channels(), train.height(), train.width(), train.classes(), groupSize);
    }

    /**
     * The input normalisation a starting checkpoint's weights expect (an imported network's, or
     * the data's of the run that trained it), or {@code null} when none is given or recorded.
     */
    static Normalization normalizationOf(Path checkpoint) {
        return checkpoint == null
                ? null
                : Checkpoint.manifest(Checkpoint.resolve(checkpoint)).normalization();
    }
}
