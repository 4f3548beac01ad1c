package io.dialnet.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.convolutional.Conv2d;

/**
 * A 2-D convolution that runs any plan by slicing its full weight {@code [out, in, k, k]} to
 * {@code [plan(out), plan(in), k, k]}. A depthwise convolution has one filter per channel, so its
 * input and output are the same coupling set and only the first dimension is cut.
 */
public final class SlimConv2d implements Layer {
    private final String name;
    private final CouplingSet in;
    private final CouplingSet out;
    private final int kernel;
    private final int stride;
    private final int padding;
    private final boolean depthwise;
    private final int outHeight;
    private final int outWidth;
    private final NDArray weight;
    private final NDArray bias;

    SlimConv2d(
            String name,
            CouplingSet in,
            CouplingSet out,
            int kernel,
            int stride,
            int padding,
            boolean depthwise,
            int inHeight,
            int inWidth,
            NDArray weight,
            NDArray bias) {
        if (depthwise && !in.equals(out)) {
            throw new IllegalArgumentException(name + ": a depthwise convolution keeps its coupling set");
        }
        this.name = name;
        this.in = in;
        this.out = out;
        this.kernel = kernel;
        this.stride = stride;
        this.padding = padding;
        this.depthwise = depthwise;
        this.outHeight = outputSize(inHeight, kernel, stride, padding);
        this.outWidth = outputSize(inWidth, kernel, stride, padding);
        this.weight = weight;
        this.bias = bias;
    }

    static int outputSize(int size, int kernel, int stride, int padding) {
        return (size + 2 * padding - kernel) / stride + 1;
    }

    public NDArray forward(Pass pass, NDArray x) {
        int cout = pass.width(out);
        NDArray w = depthwise ? Engines.prefix(weight, pass, cout) : Engines.prefix(weight, pass, cout, pass.width(in));
        NDArray b = bias == null ? null : Engines.prefix(bias, pass, cout);
        if (pass.hook() != null && out.prunable()) {
            w = pass.hook().weight(this, w, pass);
        }
        return conv2d(x, w, b, stride, padding, depthwise ? cout : 1);
    }

    /** The functional op this layer calls, on already-sliced weights. */
    public static NDArray conv2d(NDArray x, NDArray w, NDArray b, int stride, int padding, int groups) {
        return Conv2d.conv2d(x, w, b, new Shape(stride, stride), new Shape(padding, padding), new Shape(1, 1), groups)
                .singletonOrThrow();
    }

    @Override
    public void permute(CouplingSet set, int[] order, Permuter permuter) {
        if (out.equals(set)) {
            permuter.apply(weight, 0, order);
            if (bias != null) {
                permuter.apply(bias, 0, order);
            }
        }
        if (in.equals(set) && !depthwise) {
            permuter.apply(weight, 1, order);
        }
    }

    @Override
    public long macs(ChannelPlan plan) {
        long perPixel = depthwise ? (long) kernel * kernel : (long) in.width(plan) * kernel * kernel;
        return perPixel * out.width(plan) * outHeight * outWidth;
    }

    @Override
    public long params(ChannelPlan plan) {
        long perFilter = depthwise ? (long) kernel * kernel : (long) in.width(plan) * kernel * kernel;
        return (perFilter + (bias == null ? 0 : 1)) * out.width(plan);
    }

    @Override
    public String name() {
        return name;
    }

    public CouplingSet in() {
        return in;
    }

    public CouplingSet out() {
        return out;
    }

    public int kernel() {
        return kernel;
    }

    public int stride() {
        return stride;
    }

    public int padding() {
        return padding;
    }

    public boolean depthwise() {
        return depthwise;
    }

    public int outHeight() {
        return outHeight;
    }

    public int outWidth() {
        return outWidth;
    }

    public NDArray weight() {
        return weight;
    }

    public NDArray bias() {
        return bias;
    }
}
