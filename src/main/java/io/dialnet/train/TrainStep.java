package io.dialnet.train;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import io.dialnet.data.Batch;
import io.dialnet.nn.ChannelPlan;
import io.dialnet.nn.Mode;
import io.dialnet.nn.Pass;
import io.dialnet.nn.SlimmableNetwork;
import java.util.List;

/**
 * One optimiser step of a method: every sampled subnet's loss, summed, one backward (exact, since
 * each subnet's gradient lands in its own slice of the shared weights), one update.
 *
 * <p>The step runs in its own NDManager sub-manager, which owns the batch, every weight slice and
 * every intermediate; closing it frees them all, so native memory stays flat over any run.
 */
public final class TrainStep {
    private final SlimmableNetwork network;
    private final Method method;
    private final TrainConfig config;
    private final Sgd sgd;

    /** What a step reports: the first (largest) subnet's loss and correct predictions. */
    public record Outcome(double loss, long correct) {}

    public TrainStep(SlimmableNetwork network, Method method, TrainConfig config, Sgd sgd) {
        this.network = network;
        this.method = method;
        this.config = config;
        this.sgd = sgd;
    }

    public Outcome run(Batch batch, List<ChannelPlan> plans, double learningRate) {
        try (NDManager scratch = network.manager().getParentManager().newSubManager()) {
            NDArray images = Evaluation.images(scratch, batch);
            NDArray labels = scratch.create(batch.labels());
            double firstLoss = 0;
            long correct = 0;
            try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                NDArray total = null;
                NDArray teacher = null;
                for (int i = 0; i < plans.size(); i++) {
                    NDArray logits = network.forward(new Pass(plans.get(i), Mode.TRAIN, scratch), images);
                    NDArray loss = i > 0 && method.distill() ? Losses.softCrossEntropy(logits, teacher)
                            : Losses.crossEntropy(logits, labels, config.labelSmoothing());
                    if (i == 0) {
                        firstLoss = loss.getFloat();
                        correct = Evaluation.countCorrect(logits, batch.labels());
                        if (method.distill()) {
                            teacher = logits.softmax(1).stopGradient();
                        }
                    }
                    total = total == null ? loss : total.add(loss);
                }
                if (method.regularizer() != null) {
                    total = total.add(method.regularizer().penalty(network, scratch));
                }
                collector.backward(total);
            }
            sgd.step(network.trainableParameters(), network::decays, learningRate, scratch);
            return new Outcome(firstLoss, correct);
        }
    }
}
