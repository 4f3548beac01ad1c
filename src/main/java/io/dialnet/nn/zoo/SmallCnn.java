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
 * A small CNN for 28x28 MNIST-style images: two 3x3 convolutions (32, 64 channels) each followed
 * by BatchNorm, ReLU and a 2x2 max-pool, a 128-wide hidden linear layer, and the classifier. Three
 * coupling sets; about 4.24 M MACs at full width. Used by the demo and the fast tests.
 */
public final class SmallCnn extends SlimmableNetwork {
    private final SlimConv2d conv1;
    private final SlimBatchNorm norm1;
    private final SlimConv2d conv2;
    private final SlimBatchNorm norm2;
    private final SlimLinear fc1;
    private final SlimBatchNorm fc1Norm;
    private final SlimLinear fc2;

    public SmallCnn(ModelSpec spec, NDManager manager, long seed) {
        super(spec, manager, seed);
        CouplingSet c1 = prunableSet("conv1", 32);
        CouplingSet c2 = prunableSet("conv2", 64);
        CouplingSet h = prunableSet("fc1", 128);
        conv1 = conv("conv1", inputSet(), c1, 3, 1, 1, spec.inputSize());
        norm1 = batchNorm("conv1.bn", c1);
        conv2 = conv("conv2", c1, c2, 3, 1, 1, conv1.outHeight() / 2);
        norm2 = batchNorm("conv2.bn", c2);
        int size = conv2.outHeight() / 2;
        fc1 = linear("fc1", c2, h, size * size);
        fc1Norm = batchNorm("fc1.bn", h);
        fc2 = linear("fc2", h, classSet(), 1);
    }

    @Override
    protected NDArray forwardAt(Pass pass, NDArray input) {
        Shape pool = new Shape(2, 2);
        Shape none = new Shape(0, 0);
        NDArray x = Activation.relu(norm1.forward(pass, conv1.forward(pass, input)));
        x = Pool.maxPool2d(x, pool, pool, none, false);
        x = Activation.relu(norm2.forward(pass, conv2.forward(pass, x)));
        x = Pool.maxPool2d(x, pool, pool, none, false);
        x = x.reshape(x.getShape().get(0), -1);
        x = Activation.relu(fc1Norm.forward(pass, fc1.forward(pass, x)));
        return fc2.forward(pass, x);
    }

    @Override
    protected String exportAt(GraphBuilder g, ChannelPlan plan) {
        String x = g.maxPool(g.relu(Folding.emit(g, g.input(), conv1, norm1, plan)), 2, 2, 0);
        x = g.maxPool(g.relu(Folding.emit(g, x, conv2, norm2, plan)), 2, 2, 0);
        x = g.relu(Folding.emit(g, g.flatten(x), fc1, fc1Norm, plan));
        return Folding.emit(g, x, fc2, null, plan);
    }
}
