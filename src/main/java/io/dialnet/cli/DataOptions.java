package io.dialnet.cli;

import io.dialnet.data.DataRequest;
import io.dialnet.data.FolderOptions;
import java.io.PrintWriter;
import java.util.function.Consumer;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** Where the data is and how to split it. */
public final class DataOptions {
    @Option(names = "--data", required = true, paramLabel = "FORMAT:DIR")
    String data;

    @Option(names = "--image-size", defaultValue = "224")
    int imageSize;

    @Option(names = "--validation", defaultValue = "-1", paramLabel = "N")
    int validation;

    @Option(names = "--test-holdout", paramLabel = "N")
    Integer testHoldout;

    @Option(names = "--train-limit", defaultValue = "0", paramLabel = "N")
    int trainLimit;

    @Option(names = "--no-augment")
    boolean noAugment;

    @Option(names = "--split-seed", paramLabel = "N")
    Long splitSeed;

    @Option(names = "--skip-bad-images")
    boolean skipBadImages;

    @Option(names = "--loader-threads", paramLabel = "N")
    Integer loaderThreads;

    @Option(names = "--decode-cache-mb", defaultValue = "0", paramLabel = "MB")
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
    static Consumer<String> logTo(PrintWriter err) {
        return line -> {
            err.println("dialnet: " + line);
            err.flush();
        };
    }
}
