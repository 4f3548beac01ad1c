package io.dialnet.train;

import java.nio.file.Path;

/** A checkpoint that cannot be used: missing part, corrupt, newer format, or another run's. */
public class CheckpointException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public CheckpointException(Path file, String problem) {
        super("checkpoint " + file + ": " + problem);
    }

    public CheckpointException(Path file, String problem, Throwable cause) {
        super("checkpoint " + file + ": " + problem, cause);
    }
}
