package io.dialnet.data;

import java.util.List;
import java.util.stream.IntStream;

/**
 * Labelled images of one size, wherever the pixels live: in memory ({@link ImageDataset}: CIFAR-10,
 * IDX) or in files decoded batch by batch ({@link ImageFolder}). Splits and the loader work on
 * either.
 */
public sealed interface ImageSet permits ImageDataset, ImageFolder {
    /** One label per image, in {@code [0, classes())}. */
    int[] labels();

    int channels();

    int height();

    int width();

    /** The name of each class, label 0 first. */
    List<String> classNames();

    default int size() {
        return labels().length;
    }

    default int classes() {
        return classNames().size();
    }

    /** The images at {@code indices}, in that order. */
    ImageSet subset(int[] indices);

    /** The first {@code n} images (all of them if {@code n >= size()}). */
    default ImageSet head(int n) {
        return n >= size() ? this : subset(IntStream.range(0, n).toArray());
    }
}
