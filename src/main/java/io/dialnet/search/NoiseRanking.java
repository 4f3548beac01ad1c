package io.dialnet.search;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import io.dialnet.data.Augmentation;
import io.dialnet.data.Batch;
import io.dialnet.data.BatchLoader;
import io.dialnet.nn.ChannelPlan;
import io.dialnet.nn.CouplingSet;
import io.dialnet.nn.Engines;
import io.dialnet.nn.Mode;
import io.dialnet.nn.Pass;
import io.dialnet.nn.PassHook;
import io.dialnet.nn.SlimBatchNorm;
import io.dialnet.nn.SlimConv2d;
import io.dialnet.nn.SlimmableNetwork;
import io.dialnet.train.Evaluation;
import io.dialnet.train.Losses;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Trainable noise ranking of channel groups (TNNLS, step 2a). With the weights frozen, every active
 * group {@code j} of a subnet gets a trainable noise scale {@code a_j}; the forward pass adds
 * {@code a_j * eps * std(group)} (eps ~ N(0, 1), std detached) to the group's normalised
 * activations, or to its filters (PNI style). The scales are trained to minimise
 * {@code CE - lambda * mean(log a)}: the penalty pushes every scale up, the loss pushes back only
 * where noise hurts, so a group that tolerates a large scale matters little. Importance = 1 / a.
 *
 * <p>Importances are compared across coupling sets, so a scale must mean the same amount of noise
 * in every set. A residual stream's set is written at several points (the stem, every block's
 * last BatchNorm, projection shortcuts), a block-inner set at one; each of a set's {@code n}
 * injection points therefore adds noise scaled by {@code a / sqrt(n)}, so that the variances of
 * the independent draws sum to what one point with scale {@code a} adds.
 */
public final class NoiseRanking {
    /** Where the noise goes. */
    public enum Injection {
        ACTIVATIONS,
        WEIGHTS
    }

    /**
     * How the ranking is trained.
     *
     * @param injection activations (after BatchNorm) or convolution weights
     * @param batches training batches (default 400; on ResNet-20 the first cut kept 64.2% after 400
     *     against 55.6% after 200, mean of three seeds, docs/RESULTS.md)
     * @param initialScale initial noise scale a (default 0.25)
     * @param lambda weight of the mean log-scale reward (default 10; each group's scale is pushed up by
     *     {@code lambda / groups}, and at ../shared/DESIGN.md's 0.1 that push, 0.0007 per group on
     *     ResNet-20, lost to the loss everywhere: every scale shrank and the ranking was chance,
     *     worse than a random one; docs/RESULTS.md, the ranking's reward)
     * @param learningRate Adam step size on log a (default 0.05)
     */
    public record Settings(Injection injection, int batches, double initialScale, double lambda, double learningRate) {
        public static final Settings DEFAULT = new Settings(Injection.ACTIVATIONS, 400, 0.25, 10, 0.05);

        public Settings {
            if (batches < 1) {
                throw new IllegalArgumentException("--rank-batches must be >= 1, got " + batches);
            }
            if (!(lambda >= 0)) {
                throw new IllegalArgumentException("--rank-lambda must be >= 0, got " + lambda);
            }
            if (!(initialScale > 0) || !(learningRate > 0)) {
                throw new IllegalArgumentException(
                        "noise ranking needs a positive initial scale and learning rate; got " + initialScale + " and "
                                + learningRate);
            }
        }

        public Settings withBatches(int n) {
            return new Settings(injection, n, initialScale, lambda, learningRate);
        }

        public Settings withLambda(double l) {
            return new Settings(injection, batches, initialScale, l, learningRate);
        }

        public Settings withInjection(Injection i) {
            return new Settings(i, batches, initialScale, lambda, learningRate);
        }
    }

    private NoiseRanking() {}

    /**
     * A ranking and what it took.
     *
     * @param importance per prunable coupling set index, the importance of each active group in channel order
     * @param batches training batches the scales were trained on (the settings' count)
     * @param images images those batches held
     */
    public record Result(Map<Integer, double[]> importance, int batches, long images) {}

    /**
     * Ranks the active groups of {@code plan} (which must be registered: BatchNorm runs on its
     * statistics) by training the noise scales for exactly {@code settings.batches()} batches,
     * going round the training data as often as that takes. The network's weights are unchanged.
     */
    public static Result rank(
            SlimmableNetwork network,
            ChannelPlan plan,
            BatchLoader train,
            Augmentation augmentation,
            int batchSize,
            Settings settings,
            long seed) {
        Engines.noGrad();
        // the noise is drawn by the engine; seeding it makes a ranking independent of earlier work in the JVM
        Engines.seedRandom(seed);
        Map<String, NDArray> weights = network.trainableParameters();
        weights.values().forEach(w -> w.setRequiresGradient(false));
        try (NDManager manager = network.manager().getParentManager().newSubManager()) {
            Map<Integer, NDArray> logScale = new LinkedHashMap<>();
            Map<Integer, NDArray[]> adam = new LinkedHashMap<>();
            startScales(network, plan, settings.initialScale(), manager, logScale, adam);
            NoiseHook hook = new NoiseHook(network, logScale, settings.injection());
            int step = 0;
            long images = 0;
            for (int pass = 0; step < settings.batches(); pass++) {
                try (BatchLoader.Epoch epoch = train.training(batchSize, augmentation, seed, pass)) {
                    if (!epoch.hasNext()) {
                        throw new IllegalArgumentException("noise ranking: batch size " + batchSize
                                + " leaves no full batch in the training data");
                    }
                    while (step < settings.batches() && epoch.hasNext()) {
                        step++;
                        images += trainStep(network, plan, hook, logScale, adam, settings, epoch.next(), step, manager);
                    }
                }
            }
            return new Result(importance(logScale), step, images);
        } finally {
            weights.values().forEach(w -> w.setRequiresGradient(true));
        }
    }

    /**
     * Puts into {@code logScale} a trainable {@code log a_j} per active group of each coupling set,
     * every scale {@code initialScale}, and into {@code adam} its zeroed Adam moments.
     */
    private static void startScales(
            SlimmableNetwork network,
            ChannelPlan plan,
            double initialScale,
            NDManager manager,
            Map<Integer, NDArray> logScale,
            Map<Integer, NDArray[]> adam) {
        for (CouplingSet set : network.couplingSets()) {
            int groups = plan.channels(set.index()) / set.groupSize();
            NDArray a = manager.full(new Shape(groups), (float) Math.log(initialScale));
            a.setRequiresGradient(true);
            logScale.put(set.index(), a);
            adam.put(set.index(), new NDArray[] {manager.zeros(new Shape(groups)), manager.zeros(new Shape(groups))});
        }
    }

    /** A group's importance is the inverse of its trained noise scale: {@code 1 / a_j}. */
    private static Map<Integer, double[]> importance(Map<Integer, NDArray> logScale) {
        Map<Integer, double[]> importance = new LinkedHashMap<>();
        logScale.forEach((index, a) -> {
            float[] values = a.toFloatArray();
            double[] imp = new double[values.length];
            for (int j = 0; j < values.length; j++) {
                imp[j] = Math.exp(-values[j]);
            }
            importance.put(index, imp);
        });
        return importance;
    }

    /** One step of the scales on {@code batch}; returns the images it saw. */
    private static int trainStep(
            SlimmableNetwork network,
            ChannelPlan plan,
            NoiseHook hook,
            Map<Integer, NDArray> logScale,
            Map<Integer, NDArray[]> adam,
            Settings settings,
            Batch batch,
            int step,
            NDManager manager) {
        try (NDManager scratch = manager.newSubManager()) {
            try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                NDArray logits =
                        network.forward(new Pass(plan, Mode.EVAL, scratch, hook), Evaluation.images(scratch, batch));
                NDArray loss = Losses.crossEntropy(logits, scratch.create(batch.labels()), 0);
                NDArray all = NDArrays.concat(new NDList(logScale.values()));
                all.attach(scratch);
                collector.backward(loss.sub(all.mean().mul((float) settings.lambda())));
            }
            adamStep(logScale, adam, settings.learningRate(), step, scratch);
        }
        return batch.size();
    }

    /** Adam (beta 0.9 / 0.999) on the log-scales; a handful of small arrays. */
    private static void adamStep(
            Map<Integer, NDArray> params, Map<Integer, NDArray[]> moments, double lr, int t, NDManager scratch) {
        double c1 = 1 - Math.pow(0.9, t);
        double c2 = 1 - Math.pow(0.999, t);
        params.forEach((index, p) -> {
            NDArray g = p.getGradient();
            g.attach(scratch);
            NDArray[] m = moments.get(index);
            m[0].muli(0.9).addi(owned(g.mul(0.1), scratch));
            m[1].muli(0.999).addi(owned(g.square().mul(0.001), scratch));
            NDArray update = owned(m[0].div(c1), scratch)
                    .divi(owned(m[1].div(c2).sqrt(), scratch).addi(1e-8))
                    .muli(lr);
            p.subi(update);
            Engines.zeroGradient(p);
        });
    }

    private static NDArray owned(NDArray a, NDManager scratch) {
        a.attach(scratch);
        return a;
    }

    /**
     * Per prunable coupling set index, how many places one forward pass adds a group's noise: the
     * BatchNorms normalising the set (activations) or the convolutions writing it (weights).
     */
    static Map<Integer, Integer> injectionPoints(SlimmableNetwork network, Injection injection) {
        Map<Integer, Integer> points = new LinkedHashMap<>();
        for (CouplingSet set : network.couplingSets()) {
            points.put(set.index(), 0);
        }
        if (injection == Injection.ACTIVATIONS) {
            network.norms().stream()
                    .filter(n -> n.set().prunable())
                    .forEach(n -> points.merge(n.set().index(), 1, Integer::sum));
        } else {
            network.layers().stream()
                    .filter(l -> l instanceof SlimConv2d c && c.out().prunable())
                    .forEach(l -> points.merge(((SlimConv2d) l).out().index(), 1, Integer::sum));
        }
        points.replaceAll((index, n) -> Math.max(1, n));
        return points;
    }

    /** Adds scaled Gaussian noise per channel group where the settings say. */
    static final class NoiseHook implements PassHook {
        private final Map<Integer, NDArray> logScale;
        private final Injection injection;
        private final Map<Integer, Integer> points;

        NoiseHook(SlimmableNetwork network, Map<Integer, NDArray> logScale, Injection injection) {
            this.logScale = logScale;
            this.injection = injection;
            this.points = injectionPoints(network, injection);
        }

        @Override
        public NDArray afterNorm(SlimBatchNorm norm, NDArray y, Pass pass) {
            return injection == Injection.ACTIVATIONS ? noisy(y, norm.set(), 1, pass) : y;
        }

        @Override
        public NDArray weight(SlimConv2d conv, NDArray w, Pass pass) {
            return injection == Injection.WEIGHTS ? noisy(w, conv.out(), 0, pass) : w;
        }

        /**
         * {@code x + a_g * eps * std_g(x)} with groups along {@code axis} (1 for NC.. activations,
         * 0 for filters); std is per group over everything else, and detached.
         */
        private NDArray noisy(NDArray x, CouplingSet set, int axis, Pass pass) {
            NDArray a = logScale.get(set.index()).exp().mul((float) (1 / Math.sqrt(points.get(set.index()))));
            a.attach(pass.manager());
            long groups = a.getShape().get(0);
            Shape shape = x.getShape();
            NDArray grouped = axis == 1 ? x.reshape(shape.get(0), groups, -1) : x.reshape(1, groups, -1);
            NDArray plain = grouped.stopGradient();
            NDArray mean = plain.mean(new int[] {2}).mean(new int[] {0});
            NDArray meanSquare = plain.square().mean(new int[] {2}).mean(new int[] {0});
            NDArray std = meanSquare.sub(mean.square()).maximum(0f).add(1e-12f).sqrt();
            NDArray scale = a.mul(std).reshape(1, groups, 1);
            NDArray eps = pass.manager().randomNormal(grouped.getShape());
            return grouped.add(eps.mul(scale)).reshape(shape);
        }
    }
}
