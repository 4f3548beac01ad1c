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

/**
 * AlexNet with BatchNorm after every convolution and hidden linear layer (switchable BN is what
 * makes narrow subnets trainable). Five convolutions of 64/192/384/256/256 channels and two hidden
 * linear layers, each its own coupling set. Inputs of 64 pixels or more use the ImageNet layout
 * (11x11 stride-4 stem, 3x3 stride-2 pools, 4096-wide classifier); smaller ones the usual CIFAR
 * layout (3x3 convolutions, 2x2 pools, 1024-wide classifier).
 */
public final class AlexNet extends SlimmableNetwork {
    private static final int[] WIDTHS = {64, 192, 384, 256, 256};
    /** Convolutions followed by a max-pool. */
    private static final boolean[] POOL_AFTER = {true, true, false, false, true};

    private final boolean imagenet;
    private final SlimConv2d[] convs = new SlimConv2d[WIDTHS.length];
    private final SlimBatchNorm[] convNorms = new SlimBatchNorm[WIDTHS.length];
    private final SlimLinear fc1;
    private final SlimBatchNorm fc1Norm;
    private final SlimLinear fc2;
    private final SlimBatchNorm fc2Norm;
    private final SlimLinear fc3;

    public AlexNet(ModelSpec spec, NDManager manager, long seed) {
        super(spec, manager, seed);
        imagenet = spec.inputSize() >= 64;
        CouplingSet in = inputSet();
        int size = spec.inputSize();
        for (int i = 0; i < WIDTHS.length; i++) {
            CouplingSet out = prunableSet("conv" + (i + 1), WIDTHS[i]);
            int kernel = imagenet ? (i == 0 ? 11 : i == 1 ? 5 : 3) : 3;
            int stride = imagenet && i == 0 ? 4 : 1;
            convs[i] = conv("conv" + (i + 1), in, out, kernel, stride, imagenet && i == 0 ? 2 : kernel / 2, size);
            convNorms[i] = batchNorm("conv" + (i + 1) + ".bn", out);
            size = convs[i].outHeight();
            if (POOL_AFTER[i]) {
                size = imagenet ? (size - 3) / 2 + 1 : size / 2;
            }
            in = out;
        }
        if (size < 1) {
            throw new IllegalArgumentException("alexnet: input of " + spec.inputSize() + " pixels is too small");
        }
        int hidden = imagenet ? 4096 : 1024;
        CouplingSet h1 = prunableSet("fc1", hidden);
        CouplingSet h2 = prunableSet("fc2", hidden);
        fc1 = linear("fc1", in, h1, size * size);
        fc1Norm = batchNorm("fc1.bn", h1);
        fc2 = linear("fc2", h1, h2, 1);
        fc2Norm = batchNorm("fc2.bn", h2);
        fc3 = linear("fc3", h2, classSet(), 1);
    }

    @Override
    protected NDArray forwardAt(Pass pass, NDArray input) {
        NDArray x = input;
        for (int i = 0; i < convs.length; i++) {
            x = Activation.relu(convNorms[i].forward(pass, convs[i].forward(pass, x)));
            if (POOL_AFTER[i]) {
                x = imagenet
                        ? Pool.maxPool2d(x, new Shape(3, 3), new Shape(2, 2), new Shape(0, 0), false)
                        : Pool.maxPool2d(x, new Shape(2, 2), new Shape(2, 2), new Shape(0, 0), false);
            }
        }
        x = x.reshape(x.getShape().get(0), -1);
        x = Activation.relu(fc1Norm.forward(pass, fc1.forward(pass, x)));
        x = Activation.relu(fc2Norm.forward(pass, fc2.forward(pass, x)));
        return fc3.forward(pass, x);
    }

    @Override
    protected String exportAt(GraphBuilder g, ChannelPlan plan) {
        String x = g.input();
        for (int i = 0; i < convs.length; i++) {
            x = g.relu(Folding.emit(g, x, convs[i], convNorms[i], plan));
            if (POOL_AFTER[i]) {
                x = imagenet ? g.maxPool(x, 3, 2, 0) : g.maxPool(x, 2, 2, 0);
            }
        }
        x = g.relu(Folding.emit(g, g.flatten(x), fc1, fc1Norm, plan));
        x = g.relu(Folding.emit(g, x, fc2, fc2Norm, plan));
        return Folding.emit(g, x, fc3, null, plan);
    }
}
