package io.dialnet.serve;

import static io.dialnet.serve.ServeIssue11Test.exchange;
import static io.dialnet.serve.ServeIssue11Test.server;
import static io.dialnet.serve.ServeIssue11Test.settings;
import static org.assertj.core.api.Assertions.assertThat;

import io.dialnet.data.ImageBombs;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** The server over a real socket: regressions found by fuzzing its request parsing. */
@Tag("engine")
class ServeIssue14Test {
    /**
     * Issue 14, found by fuzzing the query string: a malformed %-escape made Netty's decoder throw.
     * In the path the connection was closed without an answer; in the query of a JSON
     * {@code /predict} the answer was 500 "internal error". Both are now 400 naming the problem,
     * and the connection stays usable.
     */
    @Test
    void issue14AMalformedPercentEscapeIsA400AndTheConnectionStays() throws Exception {
        ServeIssue11Test.Fake fake = new ServeIssue11Test.Fake();
        try (Server server = server(fake, settings(1, 8, 100, 10_000));
                Socket socket = new Socket("127.0.0.1", server.port())) {
            socket.setSoTimeout(20_000);
            String[] path = exchange(socket, "GET /v2%zz HTTP/1.1\r\nHost: x\r\n\r\n");
            assertThat(path[0]).isEqualTo("400");
            assertThat(path[1]).contains("malformed %-escape");
            String body = "{}";
            String[] query = exchange(
                    socket,
                    "POST /predict?x=%4g HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: "
                            + body.length() + "\r\n\r\n" + body);
            assertThat(query[0]).isEqualTo("400");
            assertThat(query[1]).contains("query string has a malformed %-escape");
            assertThat(exchange(socket, "GET /v2/health/live HTTP/1.1\r\nHost: x\r\n\r\n")[0])
                    .isEqualTo("200");
            assertThat(fake.calls).hasValue(0);
        }
    }

    /** Issue 14: a {@code /predict} image whose header claims 60000x60000 pixels is a 400 naming them, never run. */
    @Test
    void issue14AnImageClaimingHugeDimensionsIsA400() throws Exception {
        ServeIssue11Test.Fake fake = new ServeIssue11Test.Fake();
        try (Server server = server(fake, settings(1, 8, 100, 10_000));
                Socket socket = new Socket("127.0.0.1", server.port())) {
            socket.setSoTimeout(20_000);
            byte[] bomb = ImageBombs.png(60_000, 60_000);
            OutputStream out = socket.getOutputStream();
            out.write(("POST /predict HTTP/1.1\r\nHost: x\r\nContent-Type: image/png\r\nContent-Length: " + bomb.length
                            + "\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.write(bomb);
            out.flush();
            String[] answer = ServeIssue11Test.readResponse(socket.getInputStream());
            assertThat(answer[0]).isEqualTo("400");
            assertThat(answer[1]).contains("the body is 60000x60000 pixels");
            assertThat(fake.calls).hasValue(0);
        }
    }
}
