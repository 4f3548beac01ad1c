package io.dialnet.cli;

import io.dialnet.data.Augmentation;
import io.dialnet.data.DataRecipe;
import io.dialnet.data.DataSource;
import io.dialnet.data.FolderOptions;
import io.dialnet.data.ImageFolder;
import io.dialnet.data.ImageSet;
import java.io.PrintWriter;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** Where the data is and how to split it. */
public final class DataOptions {
    @Option(
            names = "--data",
            required = true,
            paramLabel = "FORMAT:DIR",
            description =
                    "cifar10:DIR (binary batches), idx:DIR (MNIST/Fashion-MNIST files, gzipped or not; idx:demo = the shipped subset) or folder:DIR (one sub-folder per class).")
    String data;

    @Option(
            names = "--image-size",
            defaultValue = "224",
            description = "Pixels per side for folder images (default: ${DEFAULT-VALUE}).")
    int imageSize;

    @Option(
            names = "--validation",
            defaultValue = "-1",
            paramLabel = "N",
            description = "Training images held out for validation (default: 10%%, at most 5000).")
    int validation;

    @Option(
            names = "--test-holdout",
            paramLabel = "N",
            description =
                    "Training images held out as the test set, for data without one (CIFAR-10 without test_batch.bin); 0 = none (default: 0; compare: 5000).")
    Integer testHoldout;

    @Option(
            names = "--train-limit",
            defaultValue = "0",
            paramLabel = "N",
            description =
                    "Train on only the first N images of the training split (folders: N drawn by a seeded shuffle, so every class stays; 0 = all).")
    int trainLimit;

    @Option(names = "--no-augment", description = "Turn off random crop and flip.")
    boolean noAugment;

    @Option(
            names = "--split-seed",
            paramLabel = "N",
            description =
                    "Seed of the validation split and test hold-out (default: --seed), so runs with different seeds can share one split.")
    Long splitSeed;

    /** Options for {@code source} as if given on the command line with their defaults (for commands without the mixin). */
    static DataOptions of(String source, int imageSize) {
        DataOptions options = new DataOptions();
        options.data = source;
        options.imageSize = imageSize;
        options.validation = -1;
        return options;
    }

    @Option(
            names = "--skip-bad-images",
            description =
                    "folder: skip unreadable or truncated images (each reported once, then counted) instead of stopping with an error naming the file.")
    boolean skipBadImages;

    @Option(
            names = "--loader-threads",
            paramLabel = "N",
            description = "folder: threads decoding images (default: half the cores, 1..8).")
    Integer loaderThreads;

    @Option(
            names = "--decode-cache-mb",
            defaultValue = "0",
            paramLabel = "MB",
            description =
                    "folder: keep up to MB of decoded images in memory for later epochs, for small folders (default: ${DEFAULT-VALUE} = none).")
    long decodeCacheMb;

    @Spec(Spec.Target.MIXEE)
    CommandSpec mixee;

    /** The folder settings of these options, logging to the command's error stream. */
    FolderOptions folderOptions() {
        PrintWriter err = mixee == null
                ? new PrintWriter(System.err, true)
                : mixee.commandLine().getErr();
        return new FolderOptions(
                loaderThreads == null ? FolderOptions.defaultThreads() : loaderThreads,
                skipBadImages,
                Math.multiplyExact(decodeCacheMb, 1L << 20),
                line -> {
                    err.println("dialnet: " + line);
                    err.flush();
                });
    }

    /** Prints how many bad images were skipped while reading {@code prepared}'s folders, if any. */
    static void reportSkipped(DataRecipe.Prepared prepared, PrintWriter err) {
        ImageSet train = prepared.split().train();
        if (train instanceof ImageFolder folder && folder.decoder().skipped() > 0) {
            err.printf(
                    "dialnet: skipped %d unreadable images (--skip-bad-images)%n",
                    folder.decoder().skipped());
            err.flush();
        }
    }

    DataRecipe.Prepared prepare(long seed) {
        return prepare(seed, 0);
    }

    /** As {@link #prepare(long)}; a source without a test set holds out {@code testHoldoutByDefault} images as one. */
    DataRecipe.Prepared prepare(long seed, int testHoldoutByDefault) {
        return prepare(seed, testHoldoutByDefault, null);
    }

    /**
     * As {@link #prepare(long, int)} with a given input normalisation (that of pretrained weights),
     * or, when {@code null}, one computed from the training split.
     */
    DataRecipe.Prepared prepare(long seed, int testHoldoutByDefault, io.dialnet.data.Normalization normalization) {
        if (imageSize < 8 || imageSize > 1024) {
            throw new IllegalArgumentException("--image-size must be 8..1024, got " + imageSize);
        }
        DataSource source = DataSource.parse(data, imageSize);
        DataSource.Loaded loaded = source.load(folderOptions());
        int heldForTest = testHoldout != null ? testHoldout : loaded.test() == null ? testHoldoutByDefault : 0;
        if (heldForTest < 0) {
            throw new IllegalArgumentException("--test-holdout must be >= 0, got " + heldForTest);
        }
        int n = loaded.train().size() - heldForTest;
        int held = validation >= 0 ? validation : Math.min(5000, n / 10);
        Augmentation augmentation = noAugment ? Augmentation.NONE : Augmentation.standardFor(source.format());
        return new DataRecipe(
                        source.toString(),
                        imageSize,
                        held,
                        trainLimit,
                        splitSeed != null ? splitSeed : seed,
                        normalization,
                        augmentation,
                        heldForTest,
                        skipBadImages)
                .prepare(loaded);
    }
}
