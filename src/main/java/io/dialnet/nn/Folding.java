package io.dialnet.nn;

import java.util.Arrays;

/**
 * Compact weights of one subnet: the used prefix of a layer's weight, with a following
 * BatchNorm folded in ({@code w * gamma / sqrt(var + eps)}, {@code beta - mean * gamma / sqrt(var +
 * eps)}), using that subnet's BatchNorm state.
 */
public final class Folding {
    private Folding() {}

    /** Weight and bias arrays with the weight's shape. */
    public record Folded(float[] weight, long[] shape, float[] bias) {}

    /** A convolution followed by {@code norm} (or {@code null}), cut to {@code plan}. */
    public static Folded conv(SlimConv2d conv, SlimBatchNorm norm, ChannelPlan plan) {
        int out = conv.out().width(plan);
        int in = conv.depthwise() ? 1 : conv.in().width(plan);
        long[] full = conv.weight().getShape().getShape();
        float[] w = prefix(conv.weight().toFloatArray(), full, out, in);
        long[] shape = {out, in, full[2], full[3]};
        float[] b =
                conv.bias() == null ? new float[out] : Arrays.copyOf(conv.bias().toFloatArray(), out);
        return norm == null ? new Folded(w, shape, b) : fold(w, shape, b, norm, plan);
    }

    /** A fully connected layer followed by {@code norm} (or {@code null}), cut to {@code plan}. */
    public static Folded linear(SlimLinear linear, SlimBatchNorm norm, ChannelPlan plan) {
        int out = linear.out().width(plan);
        int in = linear.in().width(plan) * linear.spatial();
        long[] full = linear.weight().getShape().getShape();
        float[] w = prefix(linear.weight().toFloatArray(), new long[] {full[0], full[1], 1, 1}, out, in);
        float[] b = Arrays.copyOf(linear.bias().toFloatArray(), out);
        long[] shape = {out, in};
        return norm == null ? new Folded(w, shape, b) : fold(w, shape, b, norm, plan);
    }

    /** Emits {@code conv} (+ folded {@code norm}) into {@code graph}; returns its output. */
    public static String emit(GraphBuilder graph, String x, SlimConv2d conv, SlimBatchNorm norm, ChannelPlan plan) {
        Folded f = conv(conv, norm, plan);
        return graph.conv(
                x,
                f.weight(),
                f.shape(),
                f.bias(),
                conv.stride(),
                conv.padding(),
                conv.depthwise() ? (int) f.shape()[0] : 1);
    }

    /** Emits {@code linear} (+ folded {@code norm}) into {@code graph}; returns its output. */
    public static String emit(GraphBuilder graph, String x, SlimLinear linear, SlimBatchNorm norm, ChannelPlan plan) {
        Folded f = linear(linear, norm, plan);
        return graph.gemm(x, f.weight(), f.shape(), f.bias());
    }

    private static Folded fold(float[] w, long[] shape, float[] b, SlimBatchNorm norm, ChannelPlan plan) {
        SlimBatchNorm.State state = norm.state(plan);
        if (state == null) {
            throw new InvalidPlanException("subnet " + plan + " has no BatchNorm statistics to fold");
        }
        int out = (int) shape[0];
        float[] mean = state.mean().toFloatArray();
        float[] var = state.var().toFloatArray();
        float[] gamma = state.gamma() != null
                ? state.gamma().toFloatArray()
                : norm.gamma().toFloatArray();
        float[] beta =
                state.beta() != null ? state.beta().toFloatArray() : norm.beta().toFloatArray();
        int per = w.length / out;
        float[] fw = new float[w.length];
        float[] fb = new float[out];
        for (int o = 0; o < out; o++) {
            double scale = gamma[o] / Math.sqrt(var[o] + SlimBatchNorm.EPS);
            for (int k = 0; k < per; k++) {
                fw[o * per + k] = (float) (w[o * per + k] * scale);
            }
            fb[o] = (float) (beta[o] + (b[o] - mean[o]) * scale);
        }
        return new Folded(fw, shape, fb);
    }

    /** The leading {@code [out, in]} block of a weight of shape {@code [O, I, ...]}. */
    private static float[] prefix(float[] w, long[] shape, int out, int in) {
        int fullIn = (int) shape[1];
        int inner = 1;
        for (int d = 2; d < shape.length; d++) {
            inner *= (int) shape[d];
        }
        float[] cut = new float[out * in * inner];
        for (int o = 0; o < out; o++) {
            System.arraycopy(w, (o * fullIn) * inner, cut, o * in * inner, in * inner);
        }
        return cut;
    }
}
