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
import java.util.ArrayList;
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
    private final DataParallel parallel;

    /** What a step reports: the first (largest) subnet's loss and correct predictions. */
    public record Outcome(double loss, long correct) {}

    public TrainStep(SlimmableNetwork network, Method method, TrainConfig config, Sgd sgd) {
        this(network, method, config, sgd, null);
    }

    /**
     * A step that runs on {@code parallel}'s replicas (primary = {@code network}) when it is not
     * {@code null}: each on its share of the batch, gradients summed into the primary's before
     * the optimiser step.
     */
    public TrainStep(SlimmableNetwork network, Method method, TrainConfig config, Sgd sgd, DataParallel parallel) {
        this.network = network;
        this.method = method;
        this.config = config;
        this.sgd = sgd;
        this.parallel = parallel;
    }

    public Outcome run(Batch batch, List<ChannelPlan> plans, double learningRate) {
        if (parallel != null && parallel.size() > 1) {
            return runParallel(batch, plans, learningRate);
        }
        try (NDManager scratch = network.manager().getParentManager().newSubManager()) {
            Share share = forwardBackward(network, scratch, batch, plans, 1f, true);
            Outcome outcome = share.outcome(batch);
            sgd.step(network.trainableParameters(), network::decays, learningRate, scratch);
            return outcome;
        }
    }

    /**
     * Every replica's forward and backward on its share, one after another from this thread (on
     * GPUs the kernels of one replica run while the next is launched: nothing here waits for a
     * device until every backward is queued), then the reduction and one optimiser step.
     */
    private Outcome runParallel(Batch batch, List<ChannelPlan> plans, double learningRate) {
        parallel.broadcast();
        List<SlimmableNetwork> networks = parallel.networks();
        List<Batch> shares = DataParallel.split(batch, networks.size());
        List<NDManager> scratches = new ArrayList<>();
        try {
            List<Share> done = new ArrayList<>();
            for (int r = 0; r < networks.size(); r++) {
                if (shares.get(r).size() == 0) {
                    continue;
                }
                SlimmableNetwork replica = networks.get(r);
                NDManager scratch = replica.manager().getParentManager().newSubManager();
                scratches.add(scratch);
                done.add(forwardBackward(
                        replica,
                        scratch,
                        shares.get(r),
                        plans,
                        (float) shares.get(r).size() / batch.size(),
                        r == 0));
            }
            double loss = 0;
            long correct = 0;
            for (int i = 0; i < done.size(); i++) {
                Outcome o = done.get(i).outcome(shares.get(i));
                loss += o.loss() * shares.get(i).size() / batch.size();
                correct += o.correct();
            }
            parallel.reduce(scratches.get(0));
            sgd.step(network.trainableParameters(), network::decays, learningRate, scratches.get(0));
            return new Outcome(loss, correct);
        } finally {
            scratches.forEach(NDManager::close);
        }
    }

    /** The first subnet's loss and logits of one share, still on the device until read. */
    private record Share(NDArray loss, NDArray logits) {
        Outcome outcome(Batch batch) {
            return new Outcome(loss.getFloat(), Evaluation.countCorrect(logits, batch.labels()));
        }
    }

    /**
     * The summed loss of every plan on {@code batch}, times {@code weight} (its share of the global
     * batch), and its backward into {@code net}'s gradients; the regularizer only where
     * {@code withPenalty}, so data parallel adds it once.
     */
    private Share forwardBackward(
            SlimmableNetwork net,
            NDManager scratch,
            Batch batch,
            List<ChannelPlan> plans,
            float weight,
            boolean withPenalty) {
        NDArray images = Evaluation.images(scratch, batch);
        NDArray labels = scratch.create(batch.labels());
        NDArray firstLoss = null;
        NDArray firstLogits = null;
        try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
            NDArray total = null;
            NDArray teacher = null;
            for (int i = 0; i < plans.size(); i++) {
                NDArray logits = net.forward(new Pass(plans.get(i), Mode.TRAIN, scratch), images);
                NDArray loss = i > 0 && method.distill()
                        ? Losses.softCrossEntropy(logits, teacher)
                        : Losses.crossEntropy(logits, labels, config.labelSmoothing());
                if (i == 0) {
                    firstLoss = loss;
                    firstLogits = logits;
                    if (method.distill()) {
                        teacher = logits.softmax(1).stopGradient();
                    }
                }
                total = total == null ? loss : total.add(loss);
            }
            if (weight != 1f) {
                total = total.mul(weight);
            }
            if (withPenalty && method.regularizer() != null) {
                total = total.add(method.regularizer().penalty(net, scratch));
            }
            collector.backward(total);
        }
        return new Share(firstLoss, firstLogits);
    }
}
