package io.dialnet.data;

/**
 * How a run's data was prepared, recorded with its results so evaluation later sees exactly the
 * same validation split and normalisation.
 *
 * @param source where the data lives ({@code cifar10:DIR}, {@code idx:DIR}, {@code folder:DIR})
 * @param imageSize pixels per side for folder images
 * @param validationSize images held out of the training data for validation
 * @param trainLimit use only the first this many training images after the split (0 = all)
 * @param splitSeed seed of the validation split
 * @param normalization per-channel statistics of the training split
 * @param augmentation training augmentation
 */
public record DataRecipe(String source, int imageSize, int validationSize, int trainLimit, long splitSeed,
        Normalization normalization, Augmentation augmentation) {

    /** The data a run works on: training and validation splits, test set (or null), and the loaders' settings. */
    public record Prepared(Split split, ImageDataset test, DataRecipe recipe) {
        public BatchLoader trainLoader() {
            return new BatchLoader(split.train(), recipe.normalization());
        }

        public BatchLoader validationLoader() {
            return split.validation() == null ? null : new BatchLoader(split.validation(), recipe.normalization());
        }

        public BatchLoader testLoader() {
            return test == null ? null : new BatchLoader(test, recipe.normalization());
        }
    }

    /**
     * Loads {@code source}, carves the validation split and, when {@code normalization} is
     * {@code null}, computes it from the training split.
     */
    public static Prepared prepare(DataSource source, int validationSize, int trainLimit, long splitSeed,
            Normalization normalization, Augmentation augmentation) {
        return prepare(source.load(), source.toString(), source.imageSize(), validationSize, trainLimit, splitSeed,
                normalization, augmentation);
    }

    public static Prepared prepare(DataSource.Loaded loaded, String source, int imageSize, int validationSize,
            int trainLimit, long splitSeed, Normalization normalization, Augmentation augmentation) {
        if (trainLimit < 0) {
            throw new IllegalArgumentException("--train-limit must be >= 0, got " + trainLimit);
        }
        Split split = Split.carve(loaded.train(), validationSize, splitSeed);
        if (trainLimit > 0) {
            split = new Split(split.train().head(trainLimit), split.validation());
        }
        Normalization norm = normalization != null ? normalization : Normalization.of(split.train());
        DataRecipe recipe = new DataRecipe(source, imageSize, validationSize, trainLimit, splitSeed, norm, augmentation);
        return new Prepared(split, loaded.test(), recipe);
    }

    /** Prepares the data again exactly as recorded. */
    public Prepared reload() {
        return prepare(DataSource.parse(source, imageSize), validationSize, trainLimit, splitSeed, normalization,
                augmentation);
    }
}
