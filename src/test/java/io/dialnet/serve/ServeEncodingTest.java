package io.dialnet.serve;

import static io.dialnet.serve.ServeIssue11Test.image;
import static io.dialnet.serve.ServeIssue11Test.server;
import static io.dialnet.serve.ServeIssue11Test.settings;
import static org.assertj.core.api.Assertions.assertThat;

import io.dialnet.Json;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.zip.DeflaterOutputStream;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Request bodies sent with a Content-Encoding, as Triton's HTTP clients send them when asked
 * ({@code request_compression_algorithm="gzip"|"deflate"}): before, the compressed bytes were
 * parsed as they came ("malformed JSON: Illegal character ((CTRL-CHAR, code 31))", or a
 * binary-tensor header "outside the body").
 */
@Tag("engine")
class ServeEncodingTest {
    private final HttpClient client = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(20))
            .build();

    private HttpResponse<String> post(Server server, byte[] body, String encoding) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + server.port() + "/predict"))
                .timeout(Duration.ofSeconds(20))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        if (encoding != null) {
            request.header("Content-Encoding", encoding);
        }
        return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void gzipAndDeflateBodiesAreInflatedBeforeParsing() throws Exception {
        ServeIssue11Test.Fake fake = new ServeIssue11Test.Fake();
        float[] input = new float[ServeIssue11Test.PER_IMAGE];
        for (int i = 0; i < input.length; i++) {
            input[i] = (i % 13) * 0.25f - 1;
        }
        byte[] json = Json.MAPPER.writeValueAsBytes(Map.of("input", input));
        try (Server server = server(fake, settings(1, 8, 100, 10_000))) {
            for (String encoding : new String[] {"gzip", "deflate"}) {
                fake.lastInput = null;
                HttpResponse<String> r = post(server, compressed(json, encoding), encoding);
                assertThat(r.statusCode()).as(encoding + ": " + r.body()).isEqualTo(200);
                assertThat(fake.lastInput).as(encoding).containsExactly(input);
            }
            assertThat(post(server, json, null).statusCode()).isEqualTo(200);
            assertThat(fake.calls).hasValue(3);
        }
    }

    @Test
    void anEncodingTheServerCannotDecodeIsRefusedNamingIt() throws Exception {
        ServeIssue11Test.Fake fake = new ServeIssue11Test.Fake();
        byte[] json = image(null).getBytes(StandardCharsets.UTF_8);
        try (Server server = server(fake, settings(1, 8, 100, 10_000))) {
            HttpResponse<String> unknown = post(server, json, "br");
            assertThat(unknown.statusCode()).isEqualTo(415);
            assertThat(unknown.body()).contains("Content-Encoding br is not supported");
            // declared gzip, sent plain: answered, not dropped without a word
            HttpResponse<String> corrupt = post(server, json, "gzip");
            assertThat(corrupt.statusCode()).isEqualTo(400);
            assertThat(corrupt.body()).contains("does not decode as its Content-Encoding says");
            assertThat(fake.calls).hasValue(0);
        }
    }

    /** A small body that inflates past --max-body (1 MiB here) is refused as too large, not held in memory. */
    @Test
    void theBodyBoundAppliesToTheInflatedBytes() throws Exception {
        ServeIssue11Test.Fake fake = new ServeIssue11Test.Fake();
        byte[] bomb = compressed(new byte[64 << 20], "gzip");
        assertThat(bomb.length).isLessThan(100_000);
        try (Server server = server(fake, settings(1, 8, 100, 10_000))) {
            HttpResponse<String> r = post(server, bomb, "gzip");
            assertThat(r.statusCode()).isEqualTo(413);
            assertThat(r.body()).contains("body larger than");
            assertThat(fake.calls).hasValue(0);
        }
    }

    private static byte[] compressed(byte[] data, String encoding) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (var out = encoding.equals("gzip") ? new GZIPOutputStream(bytes) : new DeflaterOutputStream(bytes)) {
            out.write(data);
        }
        return bytes.toByteArray();
    }
}
