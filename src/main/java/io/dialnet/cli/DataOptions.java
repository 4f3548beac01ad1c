package io.dialnet.cli;

import io.dialnet.data.DataRequest;
import io.dialnet.data.FolderOptions;
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
            description = "Training images held out for validation (default: 10%, at most 5000).")
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

    /** What these options ask of the data; folders log to the command's error stream. */
    DataRequest request() {
        return new DataRequest(
                data, imageSize, validation, testHoldout, trainLimit, !noAugment, splitSeed, folderOptions());
    }

    private FolderOptions folderOptions() {
        PrintWriter err = mixee == null
                ? new PrintWriter(System.err, true)
                : mixee.commandLine().getErr();
        return new FolderOptions(
                loaderThreads == null ? FolderOptions.defaultThreads() : loaderThreads,
                skipBadImages,
                Math.multiplyExact(decodeCacheMb, 1L << 20),
                logTo(err));
    }

    /** Folder progress and skip notices as {@code dialnet: ...} lines on {@code err}. */
    static java.util.function.Consumer<String> logTo(PrintWriter err) {
        return line -> {
            err.println("dialnet: " + line);
            err.flush();
        };
    }
}
