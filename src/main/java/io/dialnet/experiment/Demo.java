package io.dialnet.experiment;

import io.dialnet.AtomicFiles;
import io.dialnet.Json;
import io.dialnet.data.DataRecipe;
import io.dialnet.data.DemoData;
import io.dialnet.nn.Devices;
import io.dialnet.train.Strategy;
import io.dialnet.train.SubnetResult;
import io.dialnet.train.TrainConfig;
import io.dialnet.train.TrainResult;
import io.dialnet.train.TrainingListener;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The demo: one dynamic network (the small {@code cnn}, uniform strategy, four widths) on the
 * Fashion-MNIST subset shipped in the jar, on the CPU, in a few minutes on two cores with nothing
 * to download. Its {@code results.json} leads with a short table of the widths' test accuracy.
 */
public final class Demo {
    private Demo() {}

    /** The finished demo and how long it took. */
    public record Result(TrainResult training, double seconds) {
        /** The closing line: the time taken and the files written into {@code out}. */
        public String summary(Path out) {
            return String.format(
                    Locale.ROOT,
                    "done in %.0f s; wrote %s and %s%n",
                    seconds,
                    out.resolve(TrainPlan.RESULTS),
                    out.resolve(TrainPlan.PLOT));
        }
    }

    /** The opening line: what the demo trains. */
    public static String introduction(TrainConfig config) {
        return String.format(
                "Training cnn on the shipped Fashion-MNIST subset (10,000 images; 1,000 held out), widths %s%n",
                config.widths());
    }

    /** The demo's recipe for {@code epochs} epochs and {@code seed}: batches of 64 at a peak rate of 0.05. */
    public static TrainConfig config(int epochs, long seed) {
        return TrainConfig.builder()
                .setStrategy(Strategy.UNIFORM)
                .setEpochs(epochs)
                .optBatchSize(64)
                .optLearningRate(0.05)
                .optSeed(seed)
                .build();
    }

    /** Trains with {@code config} and writes {@code out}/results.json and the plot. */
    public static Result run(TrainConfig config, Path out, TrainingListener listener) {
        DataRecipe.Prepared prepared = DataRecipe.builder()
                .setSource(DemoData.SOURCE)
                .optImageSize(28)
                .optValidationSize(1000)
                .optSplitSeed(config.seed())
                .build()
                .prepare(DemoData.load());
        long start = System.nanoTime();
        TrainResult result = new TrainPlan("cnn", 0, config, out, false, null, 0, Devices.CPU)
                .train(TrainPlan.specFor("cnn", 0, prepared.split().train()), prepared, listener);
        double seconds = (System.nanoTime() - start) / 1e9;
        AtomicFiles.write(out.resolve(TrainPlan.RESULTS), Json.pretty(summary(result, seconds)));
        return new Result(result, seconds);
    }

    /** The subnets with their test accuracy first, then the whole training result. */
    private static Map<String, Object> summary(TrainResult result, double seconds) {
        List<Map<String, Object>> subnets = new ArrayList<>();
        for (SubnetResult s : result.subnets()) {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("name", s.name());
            row.put("channels", s.channels());
            row.put("macs", s.macs());
            row.put("params", s.params());
            row.put("accuracy", s.testAccuracy());
            row.put("validation_accuracy", s.validationAccuracy());
            subnets.add(row);
        }
        Map<String, Object> summary = new LinkedHashMap<>();
        summary.put("subnets", subnets);
        summary.put("accuracy_is", "top-1 on the 2,000 shipped test images");
        summary.put("seconds", seconds);
        summary.put("training", result);
        return summary;
    }
}
