package io.dialnet.nn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import io.dialnet.nn.zoo.ModelZoo;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** Slimmable layers against hand-computed tensors, and the gradient properties everything relies on. */
@Tag("engine")
class SlimLayersTest {
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

    @Test
    void channelsLastLayoutChangesNoValue() {
        try (SlimmableNetwork net = ModelZoo.create(new ModelSpec("resnet20", 3, 32, 10, 0), manager, 3);
                NDManager step = manager.newSubManager()) {
            NDArray x = step.randomNormal(new Shape(4, 3, 32, 32));
            assertThat(Engines.channelsLast(x).toFloatArray()).containsExactly(x.toFloatArray());
            assertThat(SlimmableNetwork.prefersChannelsLast(net.fullPlan())).isTrue();
            ChannelPlan odd = net.uniformPlan(0.75); // 12/24/48 channels: forward keeps the layout it is given
            assertThat(SlimmableNetwork.prefersChannelsLast(odd)).isFalse();
            float[] nchw = net.forward(new Pass(odd, Mode.TRAIN, step), x).toFloatArray();
            float[] nhwc = net.forward(new Pass(odd, Mode.TRAIN, step), Engines.channelsLast(x))
                    .toFloatArray();
            assertThat(nhwc).containsExactly(nchw, within(1e-4f));
        }
    }

    @Test
    void convSlicesTheLeadingFiltersAndInputs() {
        CouplingSet in = new CouplingSet(0, "in", 2, 1);
        CouplingSet out = new CouplingSet(1, "out", 3, 1);
        // weight[o][i] = 10*o + i (1x1 kernels)
        NDArray w = manager.create(new float[] {0, 1, 10, 11, 20, 21}, new Shape(3, 2, 1, 1));
        NDArray b = manager.create(new float[] {0.5f, 0.5f, 0.5f});
        SlimConv2d conv = new SlimConv2d("c", in, out, 1, 1, 0, false, 1, 1, w, b);
        try (NDManager step = manager.newSubManager()) {
            NDArray x = step.create(new float[] {1, 2}, new Shape(1, 2, 1, 1));
            float[] full = conv.forward(new Pass(ChannelPlan.of(2, 3), Mode.TRAIN, step), x)
                    .toFloatArray();
            assertThat(full).containsExactly(0 + 2 + 0.5f, 10 + 22 + 0.5f, 20 + 42 + 0.5f);
            NDArray x1 = step.create(new float[] {1}, new Shape(1, 1, 1, 1));
            float[] cut = conv.forward(new Pass(ChannelPlan.of(1, 2), Mode.TRAIN, step), x1)
                    .toFloatArray();
            assertThat(cut).containsExactly(0.5f, 10.5f);
        }
        assertThat(conv.macs(ChannelPlan.of(1, 2))).isEqualTo(2);
        assertThat(conv.params(ChannelPlan.of(2, 3))).isEqualTo(9);
    }

    @Test
    void linearOnAFlattenedMapCutsWholeChannels() {
        CouplingSet in = new CouplingSet(0, "in", 2, 1);
        CouplingSet out = CouplingSet.fixed("classes", 1);
        // 2 channels x 2 pixels flattened: features [c0p0, c0p1, c1p0, c1p1]
        NDArray w = manager.create(new float[] {1, 2, 3, 4}, new Shape(1, 4));
        NDArray b = manager.create(new float[] {0});
        SlimLinear fc = new SlimLinear("fc", in, out, 2, w, b);
        try (NDManager step = manager.newSubManager()) {
            NDArray x = step.create(new float[] {1, 1}, new Shape(1, 2));
            assertThat(fc.forward(new Pass(ChannelPlan.of(1), Mode.TRAIN, step), x)
                            .toFloatArray())
                    .containsExactly(3f);
        }
    }

    @Test
    void batchNormUsesBatchStatisticsInTrainingAndPrivateRunningStatisticsInEval() {
        CouplingSet set = new CouplingSet(0, "s", 2, 1);
        SlimBatchNorm bn = new SlimBatchNorm("bn", set, manager.ones(new Shape(2)), manager.zeros(new Shape(2)));
        ChannelPlan narrow = ChannelPlan.of(1);
        bn.register(narrow, false, manager);
        try (NDManager step = manager.newSubManager()) {
            NDArray x = step.create(new float[] {1, 3}, new Shape(2, 1, 1, 1)); // channel 0: values 1 and 3
            float[] y = bn.forward(new Pass(narrow, Mode.TRAIN, step), x).toFloatArray();
            assertThat(y[0]).isCloseTo(-1f, within(1e-3f));
            assertThat(y[1]).isCloseTo(1f, within(1e-3f));
            // torch: running = 0.9 * old + 0.1 * batch (unbiased variance 2)
            assertThat(bn.state(narrow).mean().toFloatArray()[0]).isCloseTo(0.2f, within(1e-6f));
            assertThat(bn.state(narrow).var().toFloatArray()[0]).isCloseTo(0.9f + 0.2f, within(1e-6f));
            float[] e = bn.forward(new Pass(narrow, Mode.EVAL, step), x).toFloatArray();
            assertThat(e[0]).isCloseTo((float) ((1 - 0.2) / Math.sqrt(1.1 + 1e-5)), within(1e-5f));
        }
    }

    @Test
    void calibrationIsThePlainAverageOverBatches() {
        CouplingSet set = new CouplingSet(0, "s", 1, 1);
        SlimBatchNorm bn = new SlimBatchNorm("bn", set, manager.ones(new Shape(1)), manager.zeros(new Shape(1)));
        ChannelPlan plan = ChannelPlan.of(1);
        bn.register(plan, false, manager);
        bn.resetStatistics(plan);
        try (NDManager step = manager.newSubManager()) {
            for (float[] batch : List.of(new float[] {0, 2}, new float[] {4, 6}, new float[] {8, 10})) {
                bn.forward(new Pass(plan, Mode.CALIBRATE, step), step.create(batch, new Shape(2, 1, 1, 1)));
            }
        }
        assertThat(bn.state(plan).mean().toFloatArray()[0]).isCloseTo(5f, within(1e-5f)); // (1 + 5 + 9) / 3
        assertThat(bn.state(plan).var().toFloatArray()[0]).isCloseTo(2f, within(1e-5f)); // each batch: 2
    }

    static NDArray loss(SlimmableNetwork net, ChannelPlan plan, NDArray x) {
        return net.forward(new Pass(plan, Mode.TRAIN, x.getManager()), x)
                .square()
                .mean();
    }

    @Test
    void unusedChannelsGetExactlyZeroGradient() {
        try (SlimmableNetwork net = ModelZoo.create(ModelZoo.defaultSpec("resnet20"), manager, 3);
                NDManager step = manager.newSubManager()) {
            ChannelPlan half = net.uniformPlan(0.5);
            NDArray x = step.randomNormal(new Shape(4, 3, 32, 32));
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                gc.backward(loss(net, half, x));
            }
            NDArray w = net.parameters().get("stage3.block2.conv1.weight"); // [64, 64, 3, 3], plan uses [32, 32]
            try (NDArray g = w.getGradient()) {
                NDArray used = g.get(new NDIndex(":32, :32"));
                NDArray unusedOut = g.get(new NDIndex("32:, :"));
                NDArray unusedIn = g.get(new NDIndex(":, 32:"));
                assertThat(used.abs().sum().getFloat()).isGreaterThan(0f);
                assertThat(unusedOut.abs().max().getFloat()).isZero();
                assertThat(unusedIn.abs().max().getFloat()).isZero();
            }
            NDArray fc = net.parameters().get("fc.weight");
            try (NDArray g = fc.getGradient()) {
                assertThat(g.get(new NDIndex(":, 32:")).abs().max().getFloat()).isZero();
            }
        }
    }

    @Test
    void oneBackwardOverSummedSubnetLossesEqualsSeparateBackwards() {
        try (SlimmableNetwork net = ModelZoo.create(ModelZoo.defaultSpec("resnet20"), manager, 5);
                NDManager step = manager.newSubManager()) {
            List<ChannelPlan> plans = List.of(net.fullPlan(), net.uniformPlan(0.5), net.uniformPlan(0.25));
            NDArray x = step.randomNormal(new Shape(4, 3, 32, 32));
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                NDArray total = loss(net, plans.get(0), x);
                for (ChannelPlan p : plans.subList(1, 3)) {
                    total = total.add(loss(net, p, x));
                }
                gc.backward(total);
            }
            Map<String, float[]> summed = gradients(net);
            for (ChannelPlan p : plans) {
                try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                    gc.backward(loss(net, p, x));
                }
            }
            // PyTorch accumulates: the buffers now hold summed + separate, i.e. twice the summed gradient
            Map<String, float[]> both = gradients(net);
            summed.forEach((name, g) -> {
                float[] twice = both.get(name);
                for (int i = 0; i < g.length; i++) {
                    assertThat(twice[i] - g[i])
                            .as(name + "[" + i + "]")
                            .isCloseTo(g[i], within(1e-6f + 1e-4f * Math.abs(g[i])));
                }
            });
        }
    }

    private static Map<String, float[]> gradients(SlimmableNetwork net) {
        Map<String, float[]> out = new LinkedHashMap<>();
        net.parameters().forEach((name, p) -> {
            try (NDArray g = p.getGradient()) {
                out.put(name, g.toFloatArray());
            }
        });
        return out;
    }

    @Test
    void everyZooModelRunsAFullAndANarrowSubnet() {
        for (String model : ModelZoo.names()) {
            ModelSpec spec = ModelZoo.defaultSpec(model);
            if (spec.inputSize() > 64) {
                spec = new ModelSpec(model, 3, 64, 10, 0); // ImageNet layouts at 64 px keep the test fast
            }
            try (SlimmableNetwork net = ModelZoo.create(spec, manager, 1);
                    NDManager step = manager.newSubManager()) {
                NDArray x = step.randomNormal(new Shape(2, spec.inputChannels(), spec.inputSize(), spec.inputSize()));
                for (ChannelPlan plan : List.of(net.fullPlan(), net.uniformPlan(0.25))) {
                    NDArray y = net.forward(new Pass(plan, Mode.TRAIN, step), x);
                    assertThat(y.getShape()).as(model).isEqualTo(new Shape(2, spec.classes()));
                }
            }
        }
    }
}
