package io.dialnet.nn.zoo;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
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
 * VGG-11 with BatchNorm (configuration "A": 8 convolutions, 5 max-pools), each convolution its own
 * coupling set, then global average pooling and one linear classifier (the CIFAR variant; it also
 * runs on larger inputs, where the pooling replaces the 4096-wide classifier of the original).
 */
public final class Vgg11 extends SlimmableNetwork {
    /** Output channels per convolution; 0 marks a 2x2 max-pool. */
    private static final int[] CONFIG = {64, 0, 128, 0, 256, 256, 0, 512, 512, 0, 512, 512, 0};

    private final List<Object> features = new ArrayList<>();
    private final SlimLinear classifier;

    public Vgg11(ModelSpec spec, NDManager manager, long seed) {
        super(spec, manager, seed);
        if (spec.inputSize() < 32) {
            throw new IllegalArgumentException(
                    "vgg11 pools 5 times and needs inputs of at least 32 pixels, got " + spec.inputSize());
        }
        CouplingSet in = inputSet();
        int size = spec.inputSize();
        int index = 0;
        for (int width : CONFIG) {
            if (width == 0) {
                features.add(Boolean.TRUE);
                size /= 2;
                continue;
            }
            index++;
            CouplingSet out = prunableSet("conv" + index, width);
            features.add(conv("conv" + index, in, out, 3, 1, 1, size));
            features.add(batchNorm("conv" + index + ".bn", out));
            in = out;
        }
        classifier = linear("fc", in, classSet(), 1);
    }

    @Override
    protected NDArray forwardAt(Pass pass, NDArray input) {
        NDArray x = input;
        for (Object f : features) {
            if (f instanceof SlimConv2d conv) {
                x = conv.forward(pass, x);
            } else if (f instanceof SlimBatchNorm norm) {
                x = Activation.relu(norm.forward(pass, x));
            } else {
                x = Pool.maxPool2d(x, new Shape(2, 2), new Shape(2, 2), new Shape(0, 0), false);
            }
        }
        return classifier.forward(pass, Pool.globalAvgPool2d(x));
    }

    @Override
    protected String exportAt(GraphBuilder g, ChannelPlan plan) {
        String x = g.input();
        SlimConv2d pending = null;
        for (Object f : features) {
            if (f instanceof SlimConv2d conv) {
                pending = conv;
            } else if (f instanceof SlimBatchNorm norm) {
                x = g.relu(Folding.emit(g, x, pending, norm, plan));
            } else {
                x = g.maxPool(x, 2, 2, 0);
            }
        }
        return Folding.emit(g, g.globalAvgPoolFlat(x), classifier, null, plan);
    }
}
