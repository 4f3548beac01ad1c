package io.dialnet.data;

import java.nio.file.Path;
import java.util.List;

/**
 * An index of image files (path and label), decoded only batch by batch by the
 * {@link BatchLoader}: a folder of any number of images costs its list of names, not its pixels.
 * Subsets share the {@link ImageDecoder}, so its cache and its count of skipped images cover the
 * whole folder.
 *
 * @param root the folder the file names are relative to
 * @param files file names relative to {@code root}
 * @param labels one label per file
 * @param imageSize pixels per side of the crops
 * @param classNames the name of each class, label 0 first
 * @param decoder decodes, checks, caches and skips the files
 */
public record ImageFolder(
        Path root, String[] files, int[] labels, int imageSize, List<String> classNames, ImageDecoder decoder)
        implements ImageSet {

    public ImageFolder {
        if (files.length != labels.length) {
            throw new IllegalArgumentException(files.length + " files but " + labels.length + " labels");
        }
        if (imageSize < 1) {
            throw new IllegalArgumentException("image size must be >= 1, got " + imageSize);
        }
        for (int label : labels) {
            if (label < 0 || label >= classNames.size()) {
                throw new IllegalArgumentException("label " + label + " outside [0, " + classNames.size() + ")");
            }
        }
        classNames = List.copyOf(classNames);
    }

    @Override
    public int size() {
        return labels.length;
    }

    @Override
    public int channels() {
        return 3;
    }

    @Override
    public int height() {
        return imageSize;
    }

    @Override
    public int width() {
        return imageSize;
    }

    /** The file of image {@code i}. */
    public Path file(int i) {
        return root.resolve(files[i]);
    }

    @Override
    public ImageFolder subset(int[] indices) {
        String[] f = new String[indices.length];
        int[] l = new int[indices.length];
        for (int i = 0; i < indices.length; i++) {
            f[i] = files[indices[i]];
            l[i] = labels[indices[i]];
        }
        return new ImageFolder(root, f, l, imageSize, classNames, decoder);
    }

    @Override
    public boolean equals(Object o) {
        return o == this;
    }

    @Override
    public int hashCode() {
        return System.identityHashCode(this);
    }

    @Override
    public String toString() {
        return "ImageFolder[" + root + ", " + files.length + " images, " + classNames.size() + " classes, " + imageSize
                + "x" + imageSize + "]";
    }
}
