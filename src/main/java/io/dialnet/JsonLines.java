package io.dialnet;

import com.fasterxml.jackson.core.JsonProcessingException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;

/**
 * Logs of long runs (training metrics, search events): one JSON object per line, appended and
 * flushed as each event happens, so a killed run keeps every line written before it died.
 */
public final class JsonLines {

    private JsonLines() {}

    /**
     * Replaces {@code file} with exactly {@code values}, one JSON line each (atomically): what a
     * resumed run does, so the log matches the state it resumes from, line for line.
     */
    public static void rewrite(Path file, List<?> values) {
        StringBuilder text = new StringBuilder();
        for (Object value : values) {
            text.append(line(value)).append('\n');
        }
        AtomicFiles.write(file, text.toString().getBytes(StandardCharsets.UTF_8));
    }

    private static String line(Object value) {
        try {
            return Json.MAPPER.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(
                    "cannot write " + value.getClass().getSimpleName() + " as JSON", e);
        }
    }

    /** Appends {@code value} as one JSON line to {@code file}, creating it and its directory if needed. */
    public static void append(Path file, Object value) {
        String line = line(value);
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            try (Writer w = Files.newBufferedWriter(
                    file, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND)) {
                w.write(line);
                w.write('\n');
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot append to " + file, e);
        }
    }
}
