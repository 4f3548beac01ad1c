package io.dialnet.data;

import java.nio.file.Path;

/** A data file that is missing, truncated or not in the format its reader expects; names the file. */
public class DataFormatException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public DataFormatException(Path file, String problem) {
        super(file + ": " + problem);
    }

    public DataFormatException(String message) {
        super(message);
    }
}
