package io.dialnet.serve;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.dialnet.artifact.Manifest;
import io.dialnet.nn.ModelSpec;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Outside bytes never crash the server's request parsing: every request body, query string and
 * header value is parsed into a well-formed request or refused with a {@link Refusal} (a 4xx
 * naming the problem). The parsing functions are called directly, without sockets. {@code mvn
 * verify} replays the seed corpus in {@code src/test/resources/io/dialnet/serve/
 * RequestsFuzzTestInputs/}; {@code JAZZER_FUZZ=1} fuzzes (docs/BENCHMARKS.md, "Fuzzing").
 */
class RequestsFuzzTest {
    /** Most images one request may carry in these tests. */
    static final int MAX_IMAGES = 4;

    /** A grey 1x8x8 model and a colour 3x8x8 one, both with a recorded normalisation. */
    static final Requests GREY = requests(1);

    static final Requests COLOUR = requests(3);

    static Requests requests(int channels) {
        double[] mean = new double[channels];
        double[] std = new double[channels];
        Arrays.fill(mean, 0.5);
        Arrays.fill(std, 0.25);
        Manifest manifest = new Manifest(
                1,
                new ModelSpec("cnn", channels, 8, 10, 4),
                List.of(),
                List.of(),
                Map.of(),
                List.of(new Manifest.SubnetEntry("w1.00", List.of(), 1, 1, 0.9, null, List.of())),
                Map.of("mean", mean, "std", std),
                Map.of());
        return new Requests(manifest, MAX_IMAGES);
    }

    /** {@code POST /predict} with a JSON body (input floats or base64 images). */
    @FuzzTest(maxDuration = "60s")
    void predictJson(byte[] body) {
        for (Requests requests : List.of(GREY, COLOUR)) {
            try {
                wellFormed(requests.predictJson(body), requests);
            } catch (Refusal expected) {
                assertRefusal(expected);
            }
        }
    }

    /**
     * {@code POST /predict} as the connection hands it over: {@code CONTENT-TYPE\nURI\nBODY} (the
     * URI with its query string; the body JSON, raw float32 or an image by its type).
     */
    @FuzzTest(maxDuration = "60s")
    void predict(byte[] bytes) {
        String[] head = lines(bytes, 2);
        byte[] body = Arrays.copyOfRange(bytes, Math.min(bytes.length, offset(bytes, 2)), bytes.length);
        for (Requests requests : List.of(GREY, COLOUR)) {
            try {
                wellFormed(requests.predict(head[1], head[0].isEmpty() ? null : head[0], body), requests);
            } catch (Refusal expected) {
                assertRefusal(expected);
            }
        }
    }

    /**
     * {@code POST /v2/models/NAME[/versions/V]/infer}: {@code HEADER\nVERSION\nBODY}, HEADER the
     * binary extension's {@code Inference-Header-Content-Length} (empty: absent), VERSION the
     * subnet in the path (empty: none), BODY the JSON header and any binary tensor data after it.
     */
    @FuzzTest(maxDuration = "60s")
    void v2(byte[] bytes) {
        String[] head = lines(bytes, 2);
        byte[] body = Arrays.copyOfRange(bytes, Math.min(bytes.length, offset(bytes, 2)), bytes.length);
        for (Requests requests : List.of(GREY, COLOUR)) {
            try {
                wellFormed(
                        requests.v2(body, head[0].isEmpty() ? null : head[0], head[1].isEmpty() ? null : head[1]),
                        requests);
            } catch (Refusal expected) {
                assertRefusal(expected);
            }
        }
    }

    /** {@code POST /predict} with one encoded image as the body ({@code Content-Type: image/png}). */
    @FuzzTest(maxDuration = "60s")
    void image(byte[] body) {
        for (Requests requests : List.of(GREY, COLOUR)) {
            try {
                wellFormed(requests.predictImage(body, Map.of()), requests);
            } catch (Refusal expected) {
                assertRefusal(expected);
            }
        }
    }

    /** What a worker may rely on: the promised number of finite floats, a batch in range, a sane deadline. */
    static void wellFormed(Requests.Parsed parsed, Requests requests) {
        assertThat(parsed.batch()).isBetween(1, MAX_IMAGES);
        assertThat(parsed.input()).hasSize(parsed.batch() * requests.perImage());
        for (float v : parsed.input()) {
            assertThat(Float.isFinite(v)).as("input value %s", v).isTrue();
        }
        if (parsed.deadlineMs() != null) {
            assertThat(parsed.deadlineMs()).isGreaterThan(0).isLessThanOrEqualTo(Requests.MAX_DEADLINE_MS);
        }
    }

    static void assertRefusal(Refusal r) {
        assertThat(r.status).isBetween(400, 499);
        assertThat(r.getMessage()).isNotBlank();
    }

    /** The first {@code n} newline-terminated lines of {@code bytes} as UTF-8 (missing ones empty). */
    static String[] lines(byte[] bytes, int n) {
        String[] out = new String[n];
        int at = 0;
        for (int i = 0; i < n; i++) {
            int end = at;
            while (end < bytes.length && bytes[end] != '\n') {
                end++;
            }
            out[i] = at < bytes.length ? new String(bytes, at, end - at, StandardCharsets.UTF_8) : "";
            at = Math.min(bytes.length, end + 1);
        }
        return out;
    }

    /** Where the bytes after the first {@code n} lines start. */
    static int offset(byte[] bytes, int n) {
        int at = 0;
        for (int i = 0; i < n && at < bytes.length; i++) {
            while (at < bytes.length && bytes[at] != '\n') {
                at++;
            }
            at++;
        }
        return at;
    }
}
