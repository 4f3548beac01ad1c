package io.dialnet.cli;

import io.dialnet.nn.Engines;
import picocli.CommandLine.Option;

/** Options every command takes. */
public final class CommonOptions {
    @Option(
            names = "--seed",
            defaultValue = "42",
            description = "Seed of weights, data order, augmentation and sampling (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(
            names = "--threads",
            defaultValue = "0",
            description = "Engine threads; 0 = one per core (default: ${DEFAULT-VALUE}).")
    int threads;

    @Option(
            names = {"-v", "--verbose"},
            description = "Print stack traces of failures.")
    boolean verbose;

    @Option(
            names = {"-q", "--quiet"},
            description = "No progress bar.")
    boolean quiet;

    @Option(
            names = "--config",
            paramLabel = "FILE",
            description =
                    "A properties file of option defaults (key = long option name without dashes); options on the command line win.")
    java.nio.file.Path config;

    /** The thread count in force: {@code --threads}, or one per core when it is 0. */
    int threadCount() {
        if (threads < 0) {
            throw new IllegalArgumentException("--threads must be >= 0, got " + threads);
        }
        return threads == 0 ? Runtime.getRuntime().availableProcessors() : threads;
    }

    /** Starts the engine with the requested thread count; returns the count in force. */
    int startEngine() {
        int count = threadCount();
        Engines.start();
        Engines.setThreads(count);
        return Engines.threads();
    }
}
