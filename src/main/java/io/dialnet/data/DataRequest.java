package io.dialnet.data;

/**
 * What a run asks of its data before any file is read: where it is and how to split, limit and
 * augment it. {@link #prepare} reads it and records the answer as a {@link DataRecipe}.
 *
 * @param source {@code cifar10:DIR}, {@code idx:DIR} or {@code folder:DIR}
 * @param imageSize pixels per side of folder images
 * @param validation training images held out for validation; negative: 10%, at most 5,000
 * @param testHoldout training images held out as the test set; {@code null}: the run's default,
 *     used only for a source without a test set
 * @param trainLimit train on this many images of the training split (0 = all)
 * @param augment random crop and flip (the format's standard augmentation) while training
 * @param splitSeed seed of the validation split and test hold-out; {@code null}: the run's seed
 * @param folders how image folders are read
 */
public record DataRequest(
        String source,
        int imageSize,
        int validation,
        Integer testHoldout,
        int trainLimit,
        boolean augment,
        Long splitSeed,
        FolderOptions folders) {

    /** {@code source} with every other choice at its default. */
    public static DataRequest of(String source, int imageSize, FolderOptions folders) {
        return new DataRequest(source, imageSize, -1, null, 0, true, null, folders);
    }

    /**
     * This request with the given values in place of those left unset (a train limit of 0, no split
     * seed, a negative validation size).
     */
    public DataRequest withDefaults(int defaultTrainLimit, Long defaultSplitSeed, int defaultValidation) {
        return new DataRequest(
                source,
                imageSize,
                validation < 0 ? defaultValidation : validation,
                testHoldout,
                trainLimit == 0 ? defaultTrainLimit : trainLimit,
                augment,
                splitSeed != null ? splitSeed : defaultSplitSeed,
                folders);
    }

    /**
     * Reads the data and splits it. A source without a test set holds out {@code testHoldoutByDefault}
     * images as one unless {@link #testHoldout} says otherwise; {@code normalization} is the input
     * normalisation of pretrained weights, or {@code null} to compute it from the training split.
     */
    public DataRecipe.Prepared prepare(long seed, int testHoldoutByDefault, Normalization normalization) {
        if (imageSize < 8 || imageSize > 1024) {
            throw new IllegalArgumentException("--image-size must be 8..1024, got " + imageSize);
        }
        DataSource parsed = DataSource.parse(source, imageSize);
        DataSource.Loaded loaded = parsed.load(folders);
        int heldForTest = testHoldout != null ? testHoldout : loaded.test() == null ? testHoldoutByDefault : 0;
        if (heldForTest < 0) {
            throw new IllegalArgumentException("--test-holdout must be >= 0, got " + heldForTest);
        }
        int n = loaded.train().size() - heldForTest;
        int held = validation >= 0 ? validation : Math.min(5000, n / 10);
        Augmentation augmentation = augment ? Augmentation.standardFor(parsed.format()) : Augmentation.NONE;
        return DataRecipe.builder()
                .setSource(parsed.toString())
                .optImageSize(imageSize)
                .optValidationSize(held)
                .optTrainLimit(trainLimit)
                .optSplitSeed(splitSeed != null ? splitSeed : seed)
                .optNormalization(normalization)
                .optAugmentation(augmentation)
                .optTestHoldout(heldForTest)
                .optSkipBadImages(folders.skipBadImages())
                .build()
                .prepare(loaded);
    }
}
