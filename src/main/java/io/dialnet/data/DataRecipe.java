package io.dialnet.data;

import java.util.Arrays;
import java.util.Random;

/**
 * How a run's data was prepared, recorded with its results so evaluation later sees exactly the
 * same validation split and normalisation. Build one with {@link #builder()}; a recorded one is
 * read back from JSON with the same field names.
 *
 * @param source where the data lives ({@code cifar10:DIR}, {@code idx:DIR}, {@code folder:DIR})
 * @param imageSize pixels per side for folder images
 * @param validationSize images held out of the training data for validation
 * @param testHoldout images held out of the training data as the test set, for sources without one
 *     (CIFAR-10 without {@code test_batch.bin}); 0 = none
 * @param trainLimit use only the first this many training images after the split (0 = all; image
 *     folders: this many drawn by a seeded shuffle, as their files are sorted by class)
 * @param splitSeed seed of the validation split
 * @param normalization per-channel statistics of the training split
 * @param augmentation training augmentation
 * @param skipBadImages image folders: unreadable or truncated images were skipped (and are again
 *     when the data is reloaded for evaluation or export), not an error
 */
public record DataRecipe(
        String source,
        int imageSize,
        int validationSize,
        int trainLimit,
        long splitSeed,
        Normalization normalization,
        Augmentation augmentation,
        int testHoldout,
        boolean skipBadImages) {
    /** The test hold-out's shuffle differs from the validation split's, which reuses the seed. */
    private static final long TEST_SEED_OFFSET = 0x7E57L;
    /** A folder's training limit draws its own seeded sample. */
    private static final long LIMIT_SEED_OFFSET = 0x11A1L;

    /** The data a run works on: training and validation splits, test set (or null), and the loaders' settings. */
    public record Prepared(Split split, ImageSet test, DataRecipe recipe) {
        public BatchLoader trainLoader() {
            return new BatchLoader(split.train(), recipe.normalization());
        }

        public BatchLoader validationLoader() {
            return split.validation() == null ? null : new BatchLoader(split.validation(), recipe.normalization());
        }

        public BatchLoader testLoader() {
            return test == null ? null : new BatchLoader(test, recipe.normalization());
        }

        /** Unreadable images left out of an image folder's training split so far (0 for other sources). */
        public int skippedImages() {
            return split.train() instanceof ImageFolder folder
                    ? folder.decoder().skipped()
                    : 0;
        }
    }

    /** A recipe of {@code source}; every other choice at its default (see {@link Builder}). */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder holding this recipe's values, to derive another. */
    public Builder toBuilder() {
        return new Builder()
                .setSource(source)
                .optImageSize(imageSize)
                .optValidationSize(validationSize)
                .optTrainLimit(trainLimit)
                .optSplitSeed(splitSeed)
                .optNormalization(normalization)
                .optAugmentation(augmentation)
                .optTestHoldout(testHoldout)
                .optSkipBadImages(skipBadImages);
    }

    /**
     * Builds a {@link DataRecipe}: {@link #setSource} is required; the rest default to no
     * validation split, no limit, no test hold-out, split seed 0, normalisation computed from the
     * training split, no augmentation, 224-pixel folder images, bad images as errors.
     */
    public static final class Builder {
        private String source;
        private int imageSize = 224;
        private int validationSize;
        private int trainLimit;
        private long splitSeed;
        private Normalization normalization;
        private Augmentation augmentation = Augmentation.NONE;
        private int testHoldout;
        private boolean skipBadImages;

        private Builder() {}

        /** Required: {@code cifar10:DIR}, {@code idx:DIR} or {@code folder:DIR}. */
        public Builder setSource(String value) {
            source = value;
            return this;
        }

        /** Pixels per side of folder images (default 224). */
        public Builder optImageSize(int value) {
            imageSize = value;
            return this;
        }

        /** Training images held out for validation (default 0). */
        public Builder optValidationSize(int value) {
            validationSize = value;
            return this;
        }

        /** Train on only this many images of the training split (default 0: all). */
        public Builder optTrainLimit(int value) {
            trainLimit = value;
            return this;
        }

        /** Seed of the validation split (default 0). */
        public Builder optSplitSeed(long value) {
            splitSeed = value;
            return this;
        }

        /** Per-channel statistics (default {@code null}: computed from the training split when prepared). */
        public Builder optNormalization(Normalization value) {
            normalization = value;
            return this;
        }

        /** Training augmentation (default none). */
        public Builder optAugmentation(Augmentation value) {
            augmentation = value;
            return this;
        }

        /** Training images held out as the test set of a source without one (default 0). */
        public Builder optTestHoldout(int value) {
            testHoldout = value;
            return this;
        }

        /** Skip unreadable folder images instead of failing (default false). */
        public Builder optSkipBadImages(boolean value) {
            skipBadImages = value;
            return this;
        }

        public DataRecipe build() {
            if (source == null) {
                throw new IllegalArgumentException("--data: a data source is required");
            }
            return new DataRecipe(
                    source,
                    imageSize,
                    validationSize,
                    trainLimit,
                    splitSeed,
                    normalization,
                    augmentation,
                    testHoldout,
                    skipBadImages);
        }
    }

    /**
     * This recipe applied to {@code loaded}: first the test hold-out (its own seeded shuffle), then
     * the validation split and the training limit; normalisation from the training split when
     * this recipe has none yet.
     */
    public Prepared prepare(DataSource.Loaded loaded) {
        if (trainLimit < 0) {
            throw new IllegalArgumentException("--train-limit must be >= 0, got " + trainLimit);
        }
        ImageSet train = loaded.train();
        ImageSet test = loaded.test();
        if (testHoldout > 0) {
            if (test != null) {
                throw new IllegalArgumentException("--test-holdout: " + source + " has its own test set");
            }
            if (testHoldout >= train.size()) {
                throw new IllegalArgumentException("--test-holdout " + testHoldout + " leaves none of the "
                        + train.size() + " training images of " + source);
            }
            Split held = Split.carve(train, testHoldout, splitSeed + TEST_SEED_OFFSET);
            train = held.train();
            test = held.validation();
        }
        Split split = Split.carve(train, validationSize, splitSeed);
        if (trainLimit > 0) {
            split = new Split(limit(split.train(), trainLimit, splitSeed), split.validation());
        }
        Normalization norm = normalization != null ? normalization : Normalization.of(split.train());
        return new Prepared(split, test, toBuilder().optNormalization(norm).build());
    }

    /**
     * The first {@code n} images of {@code train}; for an image folder, whose files are sorted by
     * class, {@code n} chosen by a seeded shuffle (in folder order), so a limit keeps every class.
     */
    static ImageSet limit(ImageSet train, int n, long seed) {
        if (!(train instanceof ImageFolder) || n >= train.size()) {
            return train.head(n);
        }
        int[] chosen = Arrays.copyOf(Split.permutation(train.size(), new Random(seed + LIMIT_SEED_OFFSET)), n);
        Arrays.sort(chosen);
        return train.subset(chosen);
    }

    /** The same recipe reading its images from {@code otherSource} (same format, another directory). */
    public DataRecipe withSource(String otherSource) {
        return toBuilder()
                .setSource(DataSource.parse(otherSource, imageSize).toString())
                .build();
    }

    /** Prepares the data again exactly as recorded (folders: default threads, no cache, skipping as recorded). */
    public Prepared reload() {
        FolderOptions d = FolderOptions.DEFAULT;
        return reload(new FolderOptions(d.threads(), skipBadImages, d.cacheBytes(), d.log()));
    }

    /** Prepares the data again exactly as recorded, reading image folders with {@code folderOptions}. */
    public Prepared reload(FolderOptions folderOptions) {
        return prepare(DataSource.parse(source, imageSize).load(folderOptions));
    }
}
