package io.dialnet.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Activation;
import io.dialnet.data.Batch;
import io.dialnet.data.DataRecipe;
import io.dialnet.data.DemoData;
import io.dialnet.nn.ChannelPlan;
import io.dialnet.nn.CouplingSet;
import io.dialnet.nn.Devices;
import io.dialnet.nn.Engines;
import io.dialnet.nn.GraphBuilder;
import io.dialnet.nn.ModelSpec;
import io.dialnet.nn.Pass;
import io.dialnet.nn.SlimConv2d;
import io.dialnet.nn.SlimLinear;
import io.dialnet.nn.SlimmableNetwork;
import io.dialnet.nn.zoo.ModelZoo;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Data-parallel training (issue 15). DJL has one CPU device ({@code Device.of("cpu", 1)} is
 * {@code cpu()}), so the replicas here share it: two model copies, the same code path as one
 * replica per GPU, with every copy between them a same-device copy.
 */
@Tag("engine")
class DataParallelTest {
    static NDManager manager;

    @BeforeAll
    static void start() {
        Engines.start();
        Engines.setThreads(1);
        manager = NDManager.newBaseManager();
    }

    @AfterAll
    static void stop() {
        manager.close();
    }

    /** Two CPU replicas: what the tests can run here. */
    static Devices replicas(int n) {
        return new Devices(Collections.nCopies(n, Device.cpu()));
    }

    /**
     * A slimmable network without BatchNorm (conv 3x3, ReLU, linear), so a step on shares of a
     * batch equals the step on the whole batch exactly, up to float summation order.
     */
    static final class NoNorm extends SlimmableNetwork {
        static final ModelSpec SPEC = new ModelSpec("nonorm", 1, 8, 10, 0);
        private final SlimConv2d conv;
        private final SlimLinear fc;

        NoNorm(NDManager m) {
            super(SPEC, m, 5);
            CouplingSet c = prunableSet("conv", 16);
            conv = conv("conv", inputSet(), c, 3, 1, 1, 8);
            fc = linear("fc", c, classSet(), 64);
        }

        @Override
        protected NDArray forwardAt(Pass pass, NDArray input) {
            NDArray x = Activation.relu(conv.forward(pass, input));
            return fc.forward(pass, x.reshape(x.getShape().get(0), -1));
        }

        @Override
        protected String exportAt(GraphBuilder graph, ChannelPlan plan) {
            throw new UnsupportedOperationException("a test network");
        }
    }

    static Batch randomBatch(int n, long seed) {
        Random r = new Random(seed);
        float[] pixels = new float[n * 64];
        for (int i = 0; i < pixels.length; i++) {
            pixels[i] = (float) r.nextGaussian();
        }
        return new Batch(pixels, r.ints(n, 0, 10).toArray(), 1, 8, 8);
    }

    /** Joint training of the full and half subnet, with distillation, momentum and weight decay. */
    static TrainConfig joint(int batch) {
        return TrainConfig.builder()
                .setStrategy(Strategy.JOINT)
                .setEpochs(1)
                .optBatchSize(batch)
                .optWidths(List.of(1.0, 0.5))
                .optMinWidth(0.5)
                .optCalibrationBatches(5)
                .optSeed(7)
                .build();
    }

    static Map<String, float[]> snapshot(SlimmableNetwork net) {
        Map<String, float[]> s = new LinkedHashMap<>();
        net.stateArrays().forEach((k, v) -> s.put(k, v.toFloatArray()));
        return s;
    }

    /** Runs {@code steps} steps of {@code batch} images, on one network or on {@code replicas}. */
    static List<TrainStep.Outcome> train(SlimmableNetwork net, DataParallel replicas, int batch, int steps) {
        TrainConfig config = joint(batch);
        Method method = Method.of(config, net);
        List<ChannelPlan> plans = method.subnets().stream().map(Subnet::plan).toList();
        List<TrainStep.Outcome> outcomes = new ArrayList<>();
        Engines.noGrad();
        try (Sgd sgd = new Sgd(config.momentum(), config.nesterov(), config.weightDecay(), manager)) {
            TrainStep step = new TrainStep(net, method, config, sgd, replicas);
            for (int i = 0; i < steps; i++) {
                outcomes.add(step.run(randomBatch(batch, i), plans, 0.1));
            }
        }
        return outcomes;
    }

    static void assertClose(Map<String, float[]> a, Map<String, float[]> b, double tolerance) {
        assertThat(a.keySet()).isEqualTo(b.keySet());
        a.forEach((name, values) -> {
            float[] other = b.get(name);
            for (int i = 0; i < values.length; i++) {
                assertThat((double) other[i]).as(name + "[" + i + "]").isCloseTo(values[i], Offset.offset(tolerance));
            }
        });
    }

    @Test
    void twoReplicasOfHalfTheBatchEqualOneDeviceAtTheWholeBatch() {
        Map<String, float[]> initial;
        Map<String, float[]> single;
        List<TrainStep.Outcome> singleOutcomes;
        try (NoNorm net = new NoNorm(manager)) {
            initial = snapshot(net);
            singleOutcomes = train(net, null, 128, 1);
            single = snapshot(net);
        }
        try (NoNorm net = new NoNorm(manager);
                DataParallel dp = new DataParallel(net, replicas(2), NoNorm::new)) {
            assertThat(dp.size()).isEqualTo(2);
            List<TrainStep.Outcome> outcomes = train(net, dp, 128, 1);
            Map<String, float[]> parallel = snapshot(net);
            assertClose(single, parallel, 1e-5);
            assertThat(outcomes.get(0).loss()).isCloseTo(singleOutcomes.get(0).loss(), Offset.offset(1e-5));
            assertThat(outcomes.get(0).correct())
                    .isEqualTo(singleOutcomes.get(0).correct());
            // the step moved the weights: the equality is not that of two untouched networks
            assertThat(initial.get("conv.weight")).isNotEqualTo(parallel.get("conv.weight"));
        }
    }

    @Test
    void threeUnequalSharesOverSeveralStepsWithMomentumStillEqualOneDevice() {
        Map<String, float[]> single;
        try (NoNorm net = new NoNorm(manager)) {
            train(net, null, 100, 4);
            single = snapshot(net);
        }
        try (NoNorm net = new NoNorm(manager);
                DataParallel dp = new DataParallel(net, replicas(3), NoNorm::new)) {
            train(net, dp, 100, 4);
            assertClose(single, snapshot(net), 1e-5);
        }
    }

    @Test
    void sharesCoverTheBatchInOrder() {
        Batch b = randomBatch(10, 3);
        List<Batch> shares = DataParallel.split(b, 3);
        assertThat(shares).extracting(Batch::size).containsExactly(4, 3, 3);
        assertThat(shares.get(1).labels()).containsExactly(Arrays.copyOfRange(b.labels(), 4, 7));
        assertThat(shares.get(2).pixels()).containsExactly(Arrays.copyOfRange(b.pixels(), 7 * 64, 10 * 64));
        assertThat(DataParallel.split(randomBatch(1, 3), 2))
                .extracting(Batch::size)
                .containsExactly(1, 0);
    }

    @Test
    void replicasMustStartOnThePrimarysDevice() {
        try (NoNorm net = new NoNorm(manager)) {
            assertThatThrownBy(() -> new DataParallel(net, Devices.parse("gpu:0,1", "--device"), NoNorm::new))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("not on the first device");
        }
    }

    /**
     * With BatchNorm each replica normalises its share by the share's statistics, so the step is
     * not the whole-batch one; training through the Trainer still learns, and checkpoints hold the
     * primary, with running statistics averaged over the replicas.
     */
    @Test
    void withBatchNormTheTrainerLearnsOnReplicasAlmostAsOnOneDevice() {
        DataRecipe.Prepared small = DataRecipe.builder()
                .setSource(DemoData.SOURCE)
                .optImageSize(28)
                .optValidationSize(500)
                .optTrainLimit(1500)
                .optSplitSeed(1)
                .build()
                .prepare(DemoData.load());
        TrainConfig config = TrainConfig.builder()
                .setStrategy(Strategy.INDIVIDUAL)
                .setEpochs(1)
                .optBatchSize(50)
                .optLearningRate(0.05)
                .optWidths(List.of())
                .optMinWidth(0.25)
                .optDistill(false)
                .optCalibrationBatches(5)
                .optSeed(11)
                .build();
        ModelSpec spec = new ModelSpec("cnn", 1, 28, small.split().train().classes(), 0);
        double single;
        try (SlimmableNetwork net = ModelZoo.create(spec, manager, 11)) {
            single = new Trainer(net, config, small, null, null, 0)
                    .train(false)
                    .subnets()
                    .get(0)
                    .validationAccuracy();
        }
        try (SlimmableNetwork net = ModelZoo.create(spec, manager, 11);
                DataParallel dp = new DataParallel(net, replicas(2), m -> ModelZoo.create(spec, m, 11))) {
            TrainResult result = new Trainer(net, config, small, null, null, 0)
                    .dataParallel(dp)
                    .train(false);
            double parallel = result.subnets().get(0).validationAccuracy();
            assertThat(parallel).isGreaterThan(0.6).isCloseTo(single, Offset.offset(0.05));
        }
    }
}
