package io.dialnet;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import java.nio.charset.StandardCharsets;

/**
 * The JSON mappers of Dialnet, configured once, here: every package reads and writes JSON through
 * one of them (a Jackson mapper is thread-safe once configured, and costly to build). Never
 * reconfigure them; derive an {@link ObjectWriter} or {@code ObjectReader} for a one-off need.
 */
public final class Json {
    /**
     * Compact output and strict reading (a property the target type does not have is an error):
     * the files Dialnet writes and reads back (checkpoints, artifacts, run logs) and the server's
     * wire format.
     */
    public static final ObjectMapper MAPPER = new ObjectMapper();

    /** Indented output, for files people read too: manifests, results, reports. */
    public static final ObjectWriter PRETTY = MAPPER.writerWithDefaultPrettyPrinter();

    /**
     * Reading that skips properties the target type does not know: reports over runs written by
     * other Dialnet versions, whose records may have gained fields.
     */
    public static final ObjectMapper LENIENT =
            new ObjectMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    private Json() {}

    /** {@code value} as indented UTF-8 JSON. */
    public static byte[] pretty(Object value) {
        try {
            return PRETTY.writeValueAsBytes(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write " + value.getClass().getSimpleName() + " as JSON", e);
        }
    }

    /** {@code value} as indented JSON text. */
    public static String prettyText(Object value) {
        return new String(pretty(value), StandardCharsets.UTF_8);
    }
}
