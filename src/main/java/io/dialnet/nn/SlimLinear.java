package io.dialnet.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.core.Linear;

/**
 * A fully connected layer that runs any plan by slicing its weight {@code [out, in * spatial]}.
 *
 * <p>When the input is a flattened feature map ({@code spatial} = height x width), the first
 * {@code c} channels of an NCHW map are exactly its first {@code c * spatial} features, so a plan
 * still cuts a prefix of the columns.
 */
public final class SlimLinear implements Layer {
    private final String name;
    private final CouplingSet in;
    private final CouplingSet out;
    private final int spatial;
    private final NDArray weight;
    private final NDArray bias;

    SlimLinear(String name, CouplingSet in, CouplingSet out, int spatial, NDArray weight, NDArray bias) {
        this.name = name;
        this.in = in;
        this.out = out;
        this.spatial = spatial;
        this.weight = weight;
        this.bias = bias;
    }

    public NDArray forward(Pass pass, NDArray x) {
        int cout = pass.width(out);
        NDArray w = Engines.prefix(weight, pass, cout, pass.width(in) * spatial);
        NDArray b = Engines.prefix(bias, pass, cout);
        return Linear.linear(x, w, b).singletonOrThrow();
    }

    @Override
    public void permute(CouplingSet set, int[] order, Permuter permuter) {
        if (out.equals(set)) {
            permuter.apply(weight, 0, order);
            permuter.apply(bias, 0, order);
        }
        if (in.equals(set)) {
            permuter.apply(weight, 1, Permutations.blocks(order, spatial));
        }
    }

    @Override
    public long macs(ChannelPlan plan) {
        return (long) in.width(plan) * spatial * out.width(plan);
    }

    @Override
    public long params(ChannelPlan plan) {
        return ((long) in.width(plan) * spatial + 1) * out.width(plan);
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

    /** Features per input channel: 1, or height x width of a flattened map. */
    public int spatial() {
        return spatial;
    }

    public NDArray weight() {
        return weight;
    }

    public NDArray bias() {
        return bias;
    }
}
