package io.dialnet.cli;

import io.dialnet.nn.Engines;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** Options every command takes. */
public final class CommonOptions {
    @Option(names = "--seed", defaultValue = "42")
    long seed;

    @Option(names = "--threads", defaultValue = "0")
    int threads;

    @Option(names = {"-v", "--verbose"})
    boolean verbose;

    @Option(names = {"-q", "--quiet"})
    boolean quiet;

    @Option(names = "--config", paramLabel = "FILE")
    Path config;

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
