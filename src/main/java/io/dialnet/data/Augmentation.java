package io.dialnet.data;

/**
 * Training-time augmentation: a random crop after zero padding of {@code padding} pixels (0 = no
 * crop), and a random horizontal flip.
 */
public record Augmentation(int padding, boolean flip) {
    public static final Augmentation NONE = new Augmentation(0, false);

    public Augmentation {
        if (padding < 0 || padding > 64) {
            throw new IllegalArgumentException("crop padding must be 0..64 pixels, got " + padding);
        }
    }

    /** The usual recipe for natural images (CIFAR, folders); none for digit and clothing scans. */
    public static Augmentation standardFor(DataSource.Format format) {
        return format == DataSource.Format.IDX ? NONE : new Augmentation(format == DataSource.Format.CIFAR10 ? 4 : 8, true);
    }
}
