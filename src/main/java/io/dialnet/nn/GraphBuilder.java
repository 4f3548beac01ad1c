package io.dialnet.nn;

/**
 * Receives a subnet as a static graph of compact operations (channels physically removed,
 * BatchNorm folded), one call per node; {@code io.dialnet.export} turns the calls into ONNX. Each
 * method returns the name of the node's output. Shapes are NCHW.
 */
public interface GraphBuilder {
    /** The graph input, {@code [N, C, H, W]}. */
    String input();

    /** Convolution with weight {@code [out, in/groups, k, k]} and bias {@code [out]}. */
    String conv(String x, float[] weight, long[] shape, float[] bias, int stride, int padding, int groups);

    /** Fully connected: {@code x [N, in] * weight [out, in]^T + bias}. */
    String gemm(String x, float[] weight, long[] shape, float[] bias);

    String relu(String x);

    String add(String a, String b);

    String maxPool(String x, int kernel, int stride, int padding);

    /** Global average pooling flattened to {@code [N, C]}. */
    String globalAvgPoolFlat(String x);

    /** {@code [N, C, H, W]} to {@code [N, C*H*W]}. */
    String flatten(String x);
}
