package io.dialnet.runtime;

/**
 * One back end of a {@link DynamicModel}: runs a named subnet on a batch already checked against
 * the model's input. Implementations are safe for concurrent {@link #run} calls; the model makes
 * sure none is in progress when it calls {@link #close}.
 */
interface SubnetRunner extends AutoCloseable {
    /** Logits {@code [batch, classes]}, row-major, for normalised images of {@code shape} {@code [N, C, H, W]}. */
    float[] run(float[] input, long[] shape, String subnet);

    /** Frees sessions or weights. */
    @Override
    void close();
}
