package io.dialnet.data;

/**
 * One batch of normalised images ({@code [size, channels, height, width]}, row-major floats) and
 * their labels; plain Java arrays, so a loader thread can build it without touching the engine.
 */
public record Batch(float[] pixels, int[] labels, int channels, int height, int width) {
    public int size() {
        return labels.length;
    }
}
