package io.dialnet.nn;

/**
 * The cost of one subnet: multiply-accumulates of its convolution and linear layers for one
 * image, and its weight count. The only MACs counter in Dialnet.
 *
 * @param macs multiply-accumulates per image (BatchNorm, activations and pooling not counted)
 * @param params weights used, including BatchNorm scale and shift and linear biases
 */
public record Complexity(long macs, long params) {

    public static Complexity of(SlimmableNetwork network, ChannelPlan plan) {
        network.validate(plan);
        long macs = 0;
        long params = 0;
        for (Layer layer : network.layers()) {
            macs += layer.macs(plan);
            params += layer.params(plan);
        }
        return new Complexity(macs, params);
    }

    /** This subnet's MACs as a fraction of {@code full}'s. */
    public double macsFraction(Complexity full) {
        return (double) macs / full.macs;
    }
}
