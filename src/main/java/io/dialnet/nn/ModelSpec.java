package io.dialnet.nn;

import io.dialnet.SimdBlock;

/**
 * What to build: a zoo architecture for a given input and number of classes.
 *
 * @param architecture a name from {@code ModelZoo.names()}
 * @param inputChannels image channels (1 for MNIST-style data, 3 for colour)
 * @param inputSize image height and width in pixels (square inputs)
 * @param classes number of output classes
 * @param groupSize channels per channel group: the unit of cutting (0 = the architecture's default)
 */
public record ModelSpec(String architecture, int inputChannels, int inputSize, int classes, int groupSize) {

    public ModelSpec {
        if (architecture == null || architecture.isBlank()) {
            throw new IllegalArgumentException("model: a name is required");
        }
        if (inputChannels < 1 || inputChannels > 4) {
            throw new IllegalArgumentException("input channels must be 1..4, got " + inputChannels);
        }
        if (inputSize < 8 || inputSize > 1024) {
            throw new IllegalArgumentException("input size must be 8..1024 pixels, got " + inputSize);
        }
        if (classes < 2) {
            throw new IllegalArgumentException("classes must be >= 2, got " + classes);
        }
        if (groupSize < 0) {
            throw new IllegalArgumentException("group size must be >= 1 (or 0 for the default), got " + groupSize);
        }
    }

    /**
     * {@code architecture} for images of {@code channels} x {@code height} x {@code width} in
     * {@code classes} classes, cut in groups of {@code groupSize} (0 = this CPU's SIMD block).
     */
    public static ModelSpec forImages(
            String architecture, int channels, int height, int width, int classes, int groupSize) {
        if (height != width) {
            throw new IllegalArgumentException(
                    "images are " + height + "x" + width + "; Dialnet models take square inputs");
        }
        return new ModelSpec(architecture, channels, height, classes, resolveGroupSize(groupSize));
    }

    /**
     * {@code groupSize}, or this CPU's SIMD block when it is 0 (8 fp32 lanes on AVX2, 16 on
     * AVX-512, so every subnet's channel counts are whole vectors): the resolved number is what
     * checkpoints record.
     */
    public static int resolveGroupSize(int groupSize) {
        return groupSize > 0 ? groupSize : SimdBlock.detect().floats();
    }

    public ModelSpec withGroupSize(int size) {
        return new ModelSpec(architecture, inputChannels, inputSize, classes, size);
    }
}
