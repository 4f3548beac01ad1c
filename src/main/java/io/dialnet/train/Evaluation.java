package io.dialnet.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.dialnet.data.Augmentation;
import io.dialnet.data.Batch;
import io.dialnet.data.BatchLoader;
import io.dialnet.data.DataRecipe;
import io.dialnet.nn.ChannelPlan;
import io.dialnet.nn.Complexity;
import io.dialnet.nn.Engines;
import io.dialnet.nn.Mode;
import io.dialnet.nn.Pass;
import io.dialnet.nn.SlimmableNetwork;
import java.util.ArrayList;
import java.util.List;

/** Validation and BatchNorm calibration: the two things done to a subnet after (or between) training. */
public final class Evaluation {
    /** Seed of the batches calibration draws, fixed so calibrating twice gives the same statistics. */
    static final long CALIBRATION_SEED = 0xCA1B;

    private Evaluation() {}

    /**
     * Size and accuracy of each subnet: BatchNorm statistics are re-estimated first when
     * {@code calibrate}, then validation and (if {@code test} is not null) test accuracy measured.
     */
    public static List<SubnetResult> evaluate(
            SlimmableNetwork network,
            List<Subnet> subnets,
            boolean calibrate,
            DataRecipe.Prepared data,
            int batchSize,
            int calibrationBatches) {
        BatchLoader train = data.trainLoader();
        BatchLoader validation = data.validationLoader();
        BatchLoader test = data.testLoader();
        List<SubnetResult> results = new ArrayList<>();
        for (Subnet subnet : subnets) {
            if (calibrate) {
                calibrate(
                        network, subnet.plan(), train, batchSize, data.recipe().augmentation(), calibrationBatches);
            }
            Complexity cost = Complexity.of(network, subnet.plan());
            results.add(new SubnetResult(
                    subnet.name(),
                    subnet.plan().toList(),
                    cost.macs(),
                    cost.params(),
                    validation == null ? Double.NaN : accuracy(network, subnet.plan(), validation, batchSize),
                    test == null ? null : accuracy(network, subnet.plan(), test, batchSize)));
        }
        return results;
    }

    /** Top-1 accuracy of {@code plan} over every image of {@code loader}, using its running statistics. */
    public static double accuracy(SlimmableNetwork network, ChannelPlan plan, BatchLoader loader, int batchSize) {
        boolean[] correct = correctness(network, plan, loader, batchSize);
        long right = 0;
        for (boolean c : correct) {
            right += c ? 1 : 0;
        }
        return (double) right / correct.length;
    }

    /**
     * Whether {@code plan} classifies each image of {@code loader} correctly, in the loader's order:
     * what paired statistics (McNemar's test, a bootstrap over images) need.
     */
    public static boolean[] correctness(SlimmableNetwork network, ChannelPlan plan, BatchLoader loader, int batchSize) {
        Engines.noGrad();
        boolean[] correct = new boolean[loader.data().size()];
        int seen = 0;
        try (BatchLoader.Epoch epoch =
                loader.ordered(Math.min(batchSize, loader.data().size()))) {
            while (epoch.hasNext()) {
                Batch batch = epoch.next();
                try (NDManager step = network.manager().getParentManager().newSubManager()) {
                    NDArray logits = network.forward(new Pass(plan, Mode.EVAL, step), images(step, batch));
                    int[] predicted = argmax(logits, batch.labels().length);
                    for (int i = 0; i < predicted.length; i++) {
                        correct[seen + i] = predicted[i] == batch.labels()[i];
                    }
                    seen += batch.size();
                }
            }
        }
        if (seen != correct.length) {
            throw new IllegalStateException("evaluation saw " + seen + " of " + correct.length + " images");
        }
        return correct;
    }

    /**
     * Re-estimates {@code plan}'s BatchNorm running statistics as the plain average over
     * {@code batches} augmented training batches, as US-Nets does after training: statistics
     * gathered while training many widths fit none of them.
     */
    public static void calibrate(
            SlimmableNetwork network,
            ChannelPlan plan,
            BatchLoader train,
            int batchSize,
            Augmentation augmentation,
            int batches) {
        Engines.noGrad();
        network.resetStatistics(plan);
        try (BatchLoader.Epoch epoch = train.training(batchSize, augmentation, CALIBRATION_SEED, 0)) {
            for (int b = 0; b < batches && epoch.hasNext(); b++) {
                Batch batch = epoch.next();
                try (NDManager step = network.manager().getParentManager().newSubManager()) {
                    network.forward(new Pass(plan, Mode.CALIBRATE, step), images(step, batch));
                }
            }
        }
    }

    /** The batch's images as an engine array owned by {@code manager}. */
    public static NDArray images(NDManager manager, Batch batch) {
        return manager.create(batch.pixels(), new Shape(batch.size(), batch.channels(), batch.height(), batch.width()));
    }

    static long countCorrect(NDArray logits, int[] labels) {
        int[] predicted = argmax(logits, labels.length);
        long correct = 0;
        for (int i = 0; i < labels.length; i++) {
            if (predicted[i] == labels[i]) {
                correct++;
            }
        }
        return correct;
    }

    /** The predicted class of each of the {@code n} rows of {@code logits}. */
    private static int[] argmax(NDArray logits, int n) {
        float[] values = logits.toFloatArray();
        int classes = values.length / n;
        int[] predicted = new int[n];
        for (int i = 0; i < n; i++) {
            int best = 0;
            for (int k = 1; k < classes; k++) {
                if (values[i * classes + k] > values[i * classes + best]) {
                    best = k;
                }
            }
            predicted[i] = best;
        }
        return predicted;
    }
}
