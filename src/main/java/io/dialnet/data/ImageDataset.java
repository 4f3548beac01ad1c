package io.dialnet.data;

import java.util.List;

/**
 * Images held in memory as bytes (NCHW order, 0-255) with integer labels. Bytes keep CIFAR-10 at
 * 150 MB; conversion to normalised floats happens per batch in the loader.
 *
 * @param pixels {@code size * channels * height * width} bytes, image after image
 * @param labels one label per image, in {@code [0, classNames.size())}
 * @param channels channels per image (1 or 3)
 * @param height image height in pixels
 * @param width image width in pixels
 * @param classNames the name of each class, label 0 first
 */
public record ImageDataset(byte[] pixels, int[] labels, int channels, int height, int width, List<String> classNames)
        implements ImageSet {

    public ImageDataset {
        long expected = (long) labels.length * channels * height * width;
        if (pixels.length != expected) {
            throw new IllegalArgumentException("dataset holds " + pixels.length + " pixel bytes, expected " + expected
                    + " for " + labels.length + " images of " + channels + "x" + height + "x" + width);
        }
        for (int label : labels) {
            if (label < 0 || label >= classNames.size()) {
                throw new IllegalArgumentException("label " + label + " outside [0, " + classNames.size() + ")");
            }
        }
        classNames = List.copyOf(classNames);
    }

    public int imageBytes() {
        return channels * height * width;
    }

    @Override
    public ImageDataset subset(int[] indices) {
        int bytes = imageBytes();
        byte[] p = new byte[indices.length * bytes];
        int[] l = new int[indices.length];
        for (int i = 0; i < indices.length; i++) {
            System.arraycopy(pixels, indices[i] * bytes, p, i * bytes, bytes);
            l[i] = labels[indices[i]];
        }
        return new ImageDataset(p, l, channels, height, width, classNames);
    }
}
