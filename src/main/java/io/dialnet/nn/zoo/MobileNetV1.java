package io.dialnet.nn.zoo;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Activation;
import ai.djl.nn.pooling.Pool;
import io.dialnet.nn.ChannelPlan;
import io.dialnet.nn.CouplingSet;
import io.dialnet.nn.Folding;
import io.dialnet.nn.GraphBuilder;
import io.dialnet.nn.ModelSpec;
import io.dialnet.nn.Pass;
import io.dialnet.nn.SlimBatchNorm;
import io.dialnet.nn.SlimConv2d;
import io.dialnet.nn.SlimLinear;
import io.dialnet.nn.SlimmableNetwork;
import java.util.ArrayList;
import java.util.List;

/**
 * MobileNet V1: a 3x3 stem then 13 depthwise-separable blocks (32 to 1024 channels). A depthwise
 * convolution keeps its input's coupling set; each pointwise convolution opens a new one. On
 * CIFAR-size inputs the stem has stride 1 (the usual CIFAR adaptation).
 */
public final class MobileNetV1 extends SlimmableNetwork {
    private static final int[][] BLOCKS = {
        {64, 1}, {128, 2}, {128, 1}, {256, 2}, {256, 1}, {512, 2}, {512, 1}, {512, 1}, {512, 1}, {512, 1}, {512, 1},
        {1024, 2}, {1024, 1}
    };

    private final SlimConv2d stem;
    private final SlimBatchNorm stemNorm;
    private final List<SlimConv2d> convs = new ArrayList<>();
    private final List<SlimBatchNorm> convNorms = new ArrayList<>();
    private final SlimLinear classifier;

    public MobileNetV1(ModelSpec spec, NDManager manager, long seed) {
        super(spec, manager, seed);
        CouplingSet set = prunableSet("stem", 32);
        stem = conv("stem", inputSet(), set, 3, spec.inputSize() >= 64 ? 2 : 1, 1, spec.inputSize());
        stemNorm = batchNorm("stem.bn", set);
        int size = stem.outHeight();
        for (int i = 0; i < BLOCKS.length; i++) {
            String name = "block" + (i + 1);
            SlimConv2d dw = depthwiseConv(name + ".dw", set, 3, BLOCKS[i][1], 1, size);
            convs.add(dw);
            convNorms.add(batchNorm(name + ".dw.bn", set));
            CouplingSet out = prunableSet(name, BLOCKS[i][0]);
            convs.add(conv(name + ".pw", set, out, 1, 1, 0, dw.outHeight()));
            convNorms.add(batchNorm(name + ".pw.bn", out));
            set = out;
            size = dw.outHeight();
        }
        classifier = linear("fc", set, classSet(), 1);
    }

    @Override
    protected NDArray forwardAt(Pass pass, NDArray input) {
        NDArray x = Activation.relu(stemNorm.forward(pass, stem.forward(pass, input)));
        for (int i = 0; i < convs.size(); i++) {
            x = Activation.relu(convNorms.get(i).forward(pass, convs.get(i).forward(pass, x)));
        }
        return classifier.forward(pass, Pool.globalAvgPool2d(x));
    }

    @Override
    protected String exportAt(GraphBuilder g, ChannelPlan plan) {
        String x = g.relu(Folding.emit(g, g.input(), stem, stemNorm, plan));
        for (int i = 0; i < convs.size(); i++) {
            x = g.relu(Folding.emit(g, x, convs.get(i), convNorms.get(i), plan));
        }
        return Folding.emit(g, g.globalAvgPoolFlat(x), classifier, null, plan);
    }
}
