package io.dialnet.data;

/**
 * Training-time augmentation. Images held in memory (CIFAR-10, IDX): a random crop after zero
 * padding of {@code padding} pixels (0 = no crop). Image folders: torchvision's
 * {@code RandomResizedCrop} when {@code resizedCrop} (else the evaluation view, see
 * {@link Crops}). Both: a random horizontal flip when {@code flip}.
 */
public record Augmentation(int padding, boolean flip, boolean resizedCrop) {
    public static final Augmentation NONE = new Augmentation(0, false, false);
    /** torchvision's ImageNet training recipe: RandomResizedCrop(0.08-1, 3/4-4/3) and a flip. */
    public static final Augmentation RESIZED_CROP_AND_FLIP = new Augmentation(0, true, true);

    public Augmentation {
        if (padding < 0 || padding > 64) {
            throw new IllegalArgumentException("crop padding must be 0..64 pixels, got " + padding);
        }
        if (padding > 0 && resizedCrop) {
            throw new IllegalArgumentException("a padded crop and RandomResizedCrop exclude each other");
        }
    }

    /** A padded crop (0 = none) and optionally a flip, for images held in memory. */
    public Augmentation(int padding, boolean flip) {
        this(padding, flip, false);
    }

    /**
     * The usual recipe: none for digit and clothing scans, padded crop and flip for CIFAR,
     * torchvision's for folders.
     */
    public static Augmentation standardFor(DataSource.Format format) {
        return switch (format) {
            case IDX -> NONE;
            case CIFAR10 -> new Augmentation(4, true);
            case FOLDER -> RESIZED_CROP_AND_FLIP;
        };
    }
}
