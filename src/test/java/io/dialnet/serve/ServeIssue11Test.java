package io.dialnet.serve;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.dialnet.Json;
import io.dialnet.artifact.Manifest;
import io.dialnet.nn.ModelSpec;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import javax.imageio.ImageIO;
import org.assertj.core.api.Assertions;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Issue 11: the server against real clients and real load. The model is a stand-in (no engine),
 * so every case is deterministic: a test waits for states (a request in progress, a connection
 * closed), never for a duration, and nothing asserts speed (that is docs/BENCHMARKS.md's job).
 * Each test names the defect it guards; each failed (or hung until its client timeout) on the
 * server before Netty.
 */
@Tag("fast")
class ServeIssue11Test {
    static final ObjectMapper JSON = Json.MAPPER;
    static final int C = 3;
    static final int S = 8;
    static final int PER_IMAGE = C * S * S;
    static final Duration CLIENT_TIMEOUT = Duration.ofSeconds(20);

    /** Two subnets with profiled batch-1 latencies; images 3x8x8, 10 classes. */
    static Manifest manifest(double bigMs, double smallMs) {
        return new Manifest(
                1,
                new ModelSpec("cnn", C, S, 10, 0),
                List.of(),
                List.of(),
                Map.of(),
                List.of(subnet("big", bigMs, 0.9), subnet("small", smallMs, 0.8)),
                Map.of("mean", new double[] {0.5, 0.4, 0.3}, "std", new double[] {0.25, 0.2, 0.1}),
                Map.of());
    }

    static Manifest.SubnetEntry subnet(String name, double ms, double accuracy) {
        return new Manifest.SubnetEntry(
                name,
                List.of(4),
                100,
                10,
                accuracy,
                null,
                List.of(new Manifest.Latency("onnxruntime", "test", 1, 1, ms, ms, ms)));
    }

    /** A stand-in model: logit 0 of each image is the sum of its inputs; it records every call. */
    static final class Fake implements Server.Inference {
        final AtomicInteger calls = new AtomicInteger();
        final AtomicInteger images = new AtomicInteger();
        /** The batch of every call, in order. */
        final List<Integer> batches = Collections.synchronizedList(new ArrayList<>());

        final AtomicBoolean closed = new AtomicBoolean();
        final AtomicBoolean usedAfterClose = new AtomicBoolean();
        volatile float[] lastInput;
        volatile CountDownLatch gate;
        volatile int failOnBatch = -1;

        @Override
        public float[] predict(float[] input, int batch, String subnet) {
            if (closed.get()) {
                usedAfterClose.set(true);
            }
            calls.incrementAndGet();
            images.addAndGet(batch);
            batches.add(batch);
            lastInput = input;
            if (batch == failOnBatch) {
                throw new OutOfMemoryError("Java heap space (stand-in)");
            }
            CountDownLatch g = gate;
            if (g != null) {
                try {
                    g.await(30, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            float[] out = new float[batch * 10];
            for (int b = 0; b < batch; b++) {
                float sum = 0;
                for (int i = 0; i < PER_IMAGE; i++) {
                    sum += input[b * PER_IMAGE + i];
                }
                out[b * 10] = sum;
            }
            if (closed.get()) {
                usedAfterClose.set(true);
            }
            return out;
        }
    }

    static Server.Settings settings(int workers, int queue, int maxConnections, long readTimeoutMs) {
        return Server.Settings.builder()
                .setPort(0)
                .optWorkers(workers)
                .optQueueCapacity(queue)
                .optMaxBodyBytes(1 << 20)
                .optMaxConnections(maxConnections)
                .optReadTimeoutMs(readTimeoutMs)
                .optModelName("cnn")
                .build();
    }

    static Server server(Fake fake, Server.Settings settings) throws IOException {
        return new Server(manifest(1, 0.5), "onnxruntime", fake, settings);
    }

    /** One client per test: a pooled connection to an earlier test's server (the same port, reused) would fail. */
    final HttpClient CLIENT = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(CLIENT_TIMEOUT)
            .build();

    HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
        return CLIENT.send(request.timeout(CLIENT_TIMEOUT).build(), HttpResponse.BodyHandlers.ofString());
    }

    static HttpRequest.Builder post(Server server, String path, String json) {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json));
    }

    static HttpRequest.Builder get(Server server, String path) {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
                .GET();
    }

    static String image(Object extra) throws Exception {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("input", new float[PER_IMAGE]);
        if (extra instanceof Map<?, ?> m) {
            m.forEach((k, v) -> body.put((String) k, v));
        }
        return JSON.writeValueAsString(body);
    }

    static void await(BooleanSupplier condition, String what) throws InterruptedException {
        await(condition, what, () -> "");
    }

    static void await(BooleanSupplier condition, String what, Supplier<String> state) throws InterruptedException {
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > until) {
                throw new AssertionError("never happened: " + what + " " + state.get());
            }
            Thread.sleep(2);
        }
    }

    /** One raw HTTP/1.1 exchange on an open socket: the status code and body of the answer. */
    static String[] exchange(Socket socket, String request) throws IOException {
        OutputStream out = socket.getOutputStream();
        out.write(request.getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
        return readResponse(socket.getInputStream());
    }

    static String[] readResponse(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) != -1) {
            head.write(b);
            String h = head.toString(StandardCharsets.ISO_8859_1);
            if (h.endsWith("\r\n\r\n")) {
                break;
            }
        }
        String h = head.toString(StandardCharsets.ISO_8859_1);
        if (h.isEmpty()) {
            return new String[] {"EOF", "", ""};
        }
        int length = 0;
        for (String line : h.split("\r\n")) {
            if (line.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
                length = Integer.parseInt(line.substring(15).trim());
            }
        }
        String body = new String(in.readNBytes(length), StandardCharsets.UTF_8);
        return new String[] {h.substring(9, 12), body, h};
    }

    /** What a socket has received so far (diagnostics), waiting at most a second. */
    static String peek(Socket socket) {
        try {
            socket.setSoTimeout(1000);
            byte[] buffer = new byte[200];
            int n = socket.getInputStream().read(buffer);
            return n < 0 ? "EOF" : new String(buffer, 0, n, StandardCharsets.ISO_8859_1);
        } catch (IOException e) {
            return e.toString();
        }
    }

    static String predictRequest(String body) {
        return "POST /predict HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: "
                + body.getBytes(StandardCharsets.UTF_8).length + "\r\n\r\n" + body;
    }

    // ---- 1. keep-alive: Nagle off, answers on one kept-alive connection ----

    @Test
    void issue11KeptAliveConnectionsHaveNagleOffAndCarryManyRequests() throws Exception {
        Fake fake = new Fake();
        try (Server server = server(fake, settings(1, 8, 100, 10_000));
                Socket socket = new Socket("127.0.0.1", server.port())) {
            socket.setSoTimeout(20_000);
            String body = image(null);
            for (int i = 0; i < 20; i++) {
                String[] answer = exchange(socket, predictRequest(body));
                assertThat(answer[0]).as(answer[1]).isEqualTo("200");
            }
            assertThat(fake.calls).hasValue(20);
            // The answer of a kept-alive request went out late (~40 ms) with Nagle's algorithm on.
            assertThat(server.channels.size()).isPositive();
            for (Channel ch : server.channels) {
                assertThat(ch.config().getOption(ChannelOption.TCP_NODELAY)).isTrue();
            }
        }
    }

    @Test
    void issue11ExpectContinueAndHttp10ClientsAreServed() throws Exception {
        Fake fake = new Fake();
        try (Server server = server(fake, settings(1, 8, 100, 10_000));
                Socket socket = new Socket("127.0.0.1", server.port())) {
            socket.setSoTimeout(20_000);
            String body = image(null);
            OutputStream out = socket.getOutputStream();
            out.write(("POST /predict HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nExpect: 100-continue\r\n"
                            + "Content-Length: " + body.length() + "\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            String[] interim = readResponse(socket.getInputStream());
            assertThat(interim[0]).isEqualTo("100");
            out.write(body.getBytes(StandardCharsets.US_ASCII));
            out.flush();
            assertThat(readResponse(socket.getInputStream())[0]).isEqualTo("200");
            String[] old = exchange(socket, "GET /v2/health/live HTTP/1.0\r\n\r\n");
            assertThat(old[0]).isEqualTo("200");
            assertThat(old[2].toLowerCase(Locale.ROOT)).contains("connection: close");
            assertThat(socket.getInputStream().read()).isEqualTo(-1); // HTTP/1.0 without keep-alive: closed
        }
    }

    // ---- 2. graceful shutdown ----

    @Test
    void issue11ShutdownAnswersEveryAdmittedRequestBeforeTheModelCloses() throws Exception {
        Fake fake = new Fake();
        fake.gate = new CountDownLatch(1);
        Server server = server(fake, settings(1, 64, 100, 10_000));
        List<CompletableFuture<HttpResponse<String>>> sent = new ArrayList<>();
        String body = image(null);
        for (int i = 0; i < 20; i++) {
            sent.add(CLIENT.sendAsync(
                    post(server, "/predict", body).timeout(CLIENT_TIMEOUT).build(),
                    HttpResponse.BodyHandlers.ofString()));
        }
        await(() -> server.inFlight.get() == 20, "20 requests in flight");
        // The path the SIGTERM hook of dialnet serve takes: close the server, then the model.
        CompletableFuture<Void> stop = CompletableFuture.runAsync(() -> {
            server.close();
            fake.closed.set(true);
        });
        await(() -> !server.ready(), "readiness false while draining");
        fake.gate.countDown();
        stop.get(20, TimeUnit.SECONDS);
        assertThat(server.quiesced()).isTrue();
        for (CompletableFuture<HttpResponse<String>> f : sent) {
            assertThat(f.get(20, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
        }
        assertThat(fake.images).hasValue(20);
        assertThat(fake.usedAfterClose).isFalse();
    }

    @Test
    void issue11DuringShutdownNewRequestsOnOpenConnectionsGet503AndReadinessIsFalse() throws Exception {
        Fake fake = new Fake();
        fake.gate = new CountDownLatch(1);
        Server server = server(fake, settings(1, 8, 100, 10_000));
        try (Socket idle = new Socket("127.0.0.1", server.port())) {
            idle.setSoTimeout(20_000);
            CompletableFuture<HttpResponse<String>> first = CLIENT.sendAsync(
                    post(server, "/predict", image(null))
                            .timeout(CLIENT_TIMEOUT)
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            await(() -> server.inFlight.get() == 1, "one request in flight");
            CompletableFuture<Void> stop = CompletableFuture.runAsync(server::close);
            await(server::draining, "draining");
            String[] late = exchange(idle, predictRequest(image(null)));
            assertThat(late[0]).isEqualTo("503");
            assertThat(late[1]).contains("shutting down");
            assertThat(late[2].toLowerCase(Locale.ROOT)).contains("connection: close");
            fake.gate.countDown();
            stop.get(20, TimeUnit.SECONDS);
            assertThat(first.get().statusCode()).isEqualTo(200);
        }
    }

    // ---- 3. slow clients ----

    @Test
    void issue11SlowAndIdleClientsNeitherBlockAdmissionNorHoldConnectionsForever() throws Exception {
        Fake fake = new Fake();
        // A queue of 2 and one worker: three places. Room for 40 connections.
        try (Server server = server(fake, settings(1, 2, 40, 1_000))) {
            List<Socket> slow = new ArrayList<>();
            try {
                for (int i = 0; i < 30; i++) {
                    Socket s = new Socket("127.0.0.1", server.port());
                    s.setSoTimeout(20_000);
                    // headers and half the body
                    s.getOutputStream()
                            .write(("POST /predict HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                                            + "Content-Length: 1000\r\n\r\n{\"input\": [")
                                    .getBytes(StandardCharsets.US_ASCII));
                    s.getOutputStream().flush();
                    slow.add(s);
                }
                for (int i = 0; i < 30; i++) {
                    Socket s = new Socket("127.0.0.1", server.port());
                    s.setSoTimeout(20_000);
                    s.getOutputStream().write("PO".getBytes(StandardCharsets.US_ASCII));
                    s.getOutputStream().flush();
                    slow.add(s);
                }
                // 60 slow connections against a bound of 40: the oldest slow ones made room, and a normal
                // client is served at once (it was 429, or a reset, for as long as they stayed).
                HttpResponse<String> normal = send(post(server, "/predict", image(null)));
                assertThat(normal.statusCode()).as(normal.body()).isEqualTo(200);
                // And every slow connection ends: 408 for a request begun, a close for the rest.
                for (Socket s : slow) {
                    String[] answer;
                    try {
                        answer = readResponse(s.getInputStream());
                    } catch (SocketTimeoutException e) {
                        throw new AssertionError("a slow connection was never closed");
                    } catch (IOException e) {
                        answer = new String[] {"EOF", "", ""}; // reset: closed
                    }
                    assertThat(answer[0]).isIn("408", "EOF");
                }
                await(
                        () -> server.connections.get() <= 1,
                        "every slow connection closed (the normal client may keep its own)");
            } finally {
                for (Socket s : slow) {
                    s.close();
                }
            }
        }
    }

    @Test
    void issue11AHugeAnnouncedBodyIsRefusedAndABusyServerRefusesBeforeTheBody() throws Exception {
        Fake fake = new Fake();
        fake.gate = new CountDownLatch(1);
        try (Server server = server(fake, settings(1, 1, 100, 10_000));
                Socket socket = new Socket("127.0.0.1", server.port())) {
            socket.setSoTimeout(20_000);
            String[] huge = exchange(socket, "POST /predict HTTP/1.1\r\nHost: x\r\nContent-Length: 999999999\r\n\r\n");
            assertThat(huge[0]).isEqualTo("413");
            // fill the two places (one running, one queued), then a request is refused from its headers alone
            List<Socket> busy = new ArrayList<>();
            for (int i = 0; i < 2; i++) {
                Socket b = new Socket("127.0.0.1", server.port());
                b.setSoTimeout(20_000);
                b.getOutputStream().write(predictRequest(image(null)).getBytes(StandardCharsets.UTF_8));
                b.getOutputStream().flush();
                busy.add(b);
            }
            await(
                    () -> server.inFlight.get() == 2,
                    "two requests in flight",
                    () -> "in flight " + server.inFlight
                            + ", reading " + server.reading + ", queued " + server.queued() + ", calls " + fake.calls
                            + ", open "
                            + server.connections + ", answers "
                            + busy.stream().map(ServeIssue11Test::peek).toList());
            String before = "in flight " + server.inFlight + ", reading " + server.reading + ", queued "
                    + server.queued() + ", calls " + fake.calls;
            try (Socket third = new Socket("127.0.0.1", server.port())) {
                third.setSoTimeout(20_000);
                String[] refused = exchange(
                        third,
                        "POST /predict HTTP/1.1\r\nHost: x\r\nContent-Type: "
                                + "application/json\r\nContent-Length: 100\r\n\r\n");
                assertThat(refused[0])
                        .as(before + " then " + server.inFlight + "/" + server.reading + " " + refused[1])
                        .isEqualTo("429");
            }
            fake.gate.countDown();
            for (Socket b : busy) {
                assertThat(readResponse(b.getInputStream())[0]).isEqualTo("200");
                b.close();
            }
        }
    }

    // ---- 4. failure containment ----

    @Test
    void issue11AnErrorInAWorkerAnswers500AndTheWorkerIsReplaced() throws Exception {
        Fake fake = new Fake();
        fake.failOnBatch = 3;
        try (Server server = server(fake, settings(1, 8, 100, 10_000))) {
            HttpResponse<String> failed = send(post(
                    server,
                    "/predict",
                    JSON.writeValueAsString(Map.of("input", new float[3 * PER_IMAGE], "batch", 3))));
            assertThat(failed.statusCode()).isEqualTo(500);
            assertThat(failed.body()).contains("OutOfMemoryError");
            for (int i = 0; i < 3; i++) {
                assertThat(send(post(server, "/predict", image(null))).statusCode())
                        .isEqualTo(200);
            }
            assertThat(server.ready()).isTrue();
            assertThat(send(get(server, "/v2/health/ready")).statusCode()).isEqualTo(200);
            assertThat(server.prometheus()).contains("dialnet_worker_restarts_total 1\n", "dialnet_workers_alive 1\n");
        }
    }

    @Test
    void issue11ReadinessIsFalseWhileNoWorkerCanServeAndAWorkerIsStartedAgainLater() throws Exception {
        Fake fake = new Fake();
        fake.failOnBatch = 3;
        AtomicBoolean threadsRefused = new AtomicBoolean();
        ThreadFactory threads = task -> {
            if (threadsRefused.get()) {
                throw new OutOfMemoryError("unable to create native thread (stand-in)");
            }
            return new Thread(task);
        };
        try (Server server = new Server(manifest(1, 0.5), "onnxruntime", fake, settings(1, 8, 100, 10_000), threads)) {
            threadsRefused.set(true);
            HttpResponse<String> failed = send(post(
                    server,
                    "/predict",
                    JSON.writeValueAsString(Map.of("input", new float[3 * PER_IMAGE], "batch", 3))));
            assertThat(failed.statusCode()).isEqualTo(500);
            await(() -> server.workersAlive() == 0, "the failed worker to end without a replacement");
            assertThat(server.ready()).isFalse();
            assertThat(send(get(server, "/v2/health/ready")).statusCode()).isEqualTo(503);
            HttpResponse<String> refused = send(post(server, "/predict", image(null)));
            assertThat(refused.statusCode()).isEqualTo(503);
            assertThat(refused.body()).contains("no inference worker is able to serve");
            assertThat(server.prometheus()).contains("dialnet_ready 0\n", "dialnet_workers_alive 0\n");
            // threads to be had again: the next request starts a worker and is served
            threadsRefused.set(false);
            assertThat(send(post(server, "/predict", image(null))).statusCode()).isEqualTo(200);
            assertThat(server.ready()).isTrue();
            assertThat(send(get(server, "/v2/health/ready")).statusCode()).isEqualTo(200);
        }
    }

    // ---- 5. deadlines ----

    @Test
    void issue11ARequestWhoseDeadlinePassesWhileQueuedIsAnswered504WithoutRunning() throws Exception {
        Fake fake = new Fake();
        fake.gate = new CountDownLatch(1);
        try (Server server = server(fake, settings(1, 8, 100, 10_000))) {
            CompletableFuture<HttpResponse<String>> blocker = CLIENT.sendAsync(
                    post(server, "/predict", image(Map.of("subnet", "big")))
                            .timeout(CLIENT_TIMEOUT)
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            await(() -> fake.calls.get() == 1, "the first request running");
            CompletableFuture<HttpResponse<String>> late = CLIENT.sendAsync(
                    post(server, "/predict", image(Map.of("deadline_ms", 300)))
                            .timeout(CLIENT_TIMEOUT)
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            HttpResponse<String> answer;
            try {
                answer = late.get(5, TimeUnit.SECONDS);
            } finally {
                fake.gate.countDown();
            }
            assertThat(answer.statusCode()).as(answer.body()).isEqualTo(504);
            assertThat(answer.body()).contains("deadline_ms", "300").doesNotContain("\n");
            assertThat(blocker.get(20, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
            await(() -> server.queued() == 0, "queue empty");
            assertThat(send(post(server, "/predict", image(null))).statusCode()).isEqualTo(200);
            assertThat(fake.calls).hasValue(2); // the expired one never ran
        }
    }

    @Test
    void issue11ABatchEndsByTheEarliestDeadlineOfItsRequests() throws Exception {
        Fake fake = new Fake();
        fake.gate = new CountDownLatch(1);
        // profiled: big 100 ms per image. Every request of a call is answered when the call ends, so a request
        // with a 1,000 ms deadline must not ride in a call of 16 images (1.6 s by the estimate).
        try (Server server = new Server(manifest(100, 50), "onnxruntime", fake, settings(1, 64, 100, 10_000))) {
            CompletableFuture<HttpResponse<String>> first = sendAsync(server, Map.of("subnet", "big"));
            await(() -> fake.calls.get() == 1, "the first call running");
            CompletableFuture<HttpResponse<String>> urgent =
                    sendAsync(server, Map.of("subnet", "big", "deadline_ms", 1000));
            await(() -> server.queued() == 1, "the urgent request queued");
            List<CompletableFuture<HttpResponse<String>>> patient = new ArrayList<>();
            for (int i = 0; i < 15; i++) {
                patient.add(sendAsync(server, Map.of("subnet", "big")));
            }
            await(() -> server.queued() == 16, "all queued behind it");
            fake.gate.countDown();
            assertThat(urgent.get(20, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
            assertThat(first.get(20, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
            for (CompletableFuture<HttpResponse<String>> p : patient) {
                assertThat(p.get(20, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
            }
            // the urgent request's call was cut to what its deadline allows (the estimate is at least 80 ms per
            // image after the first call: 0.8 x 100 ms + 0.2 x what it observed), the rest ran after it
            assertThat(fake.batches.get(1)).isBetween(1, 12);
            assertThat(fake.images).hasValue(17);
        }
    }

    @Test
    void aCallThatEndsAfterTheDeadlineIsAnExpiryEvenBeforeTheTimerFires() throws Exception {
        // the call ends late (700 ms after it began, the deadline is 500 ms) while the network thread, which would
        // run the deadline's timer, is still busy
        BusyNetwork run = deadlineRequestWhileTheNetworkThreadIsBusy(1500, 700);
        assertThat(run.answer().statusCode()).as(run.answer().body()).isEqualTo(504);
        assertThat(run.answer().body()).contains("deadline_ms 500 passed during inference");
        // and the controller heard of the miss (a late 200 counted as met would have raised its share)
        assertThat(run.shareAfter()).isLessThan(run.shareBefore());
    }

    @Test
    void anAnswerWrittenAfterTheDeadlineIsSentAndCountsAsAMiss() throws Exception {
        // the call ends in time, but the network thread, which writes its answer, is busy past the deadline
        BusyNetwork run = deadlineRequestWhileTheNetworkThreadIsBusy(1000, 0);
        assertThat(run.answer().statusCode()).as(run.answer().body()).isEqualTo(200);
        assertThat(run.shareAfter()).isLessThan(run.shareBefore());
    }

    /** A request's answer and the controller's share before its call ended and after the answer. */
    private record BusyNetwork(HttpResponse<String> answer, double shareBefore, double shareAfter) {}

    /**
     * One request with a 500 ms deadline whose call ends {@code callMs} after it began, while the
     * server's only network thread (as under load, waiting for a core) is busy for {@code busyMs}
     * from the call's start.
     */
    private BusyNetwork deadlineRequestWhileTheNetworkThreadIsBusy(long busyMs, long callMs) throws Exception {
        Fake fake = new Fake();
        try (Server server = server(fake, settings(1, 8, 100, 10_000))) {
            assertThat(send(post(server, "/predict", image(null))).statusCode()).isEqualTo(200); // warm
            fake.gate = new CountDownLatch(1);
            CompletableFuture<HttpResponse<String>> request =
                    sendAsync(server, Map.of("subnet", "big", "deadline_ms", 500));
            await(() -> fake.calls.get() == 2, "the call running");
            CountDownLatch busy = new CountDownLatch(1);
            server.io.next().execute(() -> {
                busy.countDown();
                sleepMs(busyMs);
            });
            busy.await();
            sleepMs(callMs);
            double before = server.controller.share();
            fake.gate.countDown();
            HttpResponse<String> answer = request.get(20, TimeUnit.SECONDS);
            return new BusyNetwork(answer, before, server.controller.share());
        }
    }

    private static void sleepMs(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private CompletableFuture<HttpResponse<String>> sendAsync(Server server, Map<String, Object> extra)
            throws Exception {
        return CLIENT.sendAsync(
                post(server, "/predict", image(extra)).timeout(CLIENT_TIMEOUT).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void issue11WorkInProgressCountsAgainstADeadline() throws Exception {
        Fake fake = new Fake();
        fake.gate = new CountDownLatch(1);
        // profiled: big 1,000 ms and small 500 ms per image, so an 8-image batch in progress is seconds of work
        try (Server server = new Server(manifest(1000, 500), "onnxruntime", fake, settings(1, 8, 100, 10_000))) {
            CompletableFuture<HttpResponse<String>> batch = CLIENT.sendAsync(
                    post(
                                    server,
                                    "/predict",
                                    JSON.writeValueAsString(
                                            Map.of("input", new float[8 * PER_IMAGE], "batch", 8, "subnet", "big")))
                            .timeout(CLIENT_TIMEOUT)
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            await(() -> fake.calls.get() == 1, "the batch running");
            HttpResponse<String> answer;
            try {
                answer = send(post(server, "/predict", image(Map.of("deadline_ms", 2000))));
            } finally {
                fake.gate.countDown();
            }
            assertThat(answer.statusCode()).as(answer.body()).isEqualTo(503);
            assertThat(answer.body()).contains("no subnet can answer within 2000 ms");
            assertThat(batch.get(20, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
        }
    }

    @Test
    void issue11BadDeadlinesAndBatchesAre400NamingTheField() throws Exception {
        Fake fake = new Fake();
        try (Server server = server(fake, settings(1, 8, 100, 10_000))) {
            for (String deadline : List.of("-5", "0", "\"abc\"", "[5]", "null", "true", "1e308")) {
                HttpResponse<String> r = send(post(
                        server,
                        "/predict",
                        "{\"input\": " + JSON.writeValueAsString(new float[PER_IMAGE]) + ", \"deadline_ms\": "
                                + deadline + "}"));
                assertThat(r.statusCode()).as(deadline).isEqualTo(400);
                assertThat(r.body()).as(deadline).contains("deadline_ms");
            }
            for (String batch : List.of("\"abc\"", "1.9", "true", "null", "4294967297", "0", "-1", "65")) {
                HttpResponse<String> r = send(post(
                        server,
                        "/predict",
                        "{\"input\": " + JSON.writeValueAsString(new float[PER_IMAGE]) + ", \"batch\": " + batch
                                + "}"));
                assertThat(r.statusCode()).as(batch).isEqualTo(400);
                assertThat(r.body()).as(batch).contains("batch");
            }
            for (String query : List.of(
                    "batch=abc",
                    "batch=1.9",
                    "batch=4294967297",
                    "deadline_ms=-5",
                    "deadline_ms=abc",
                    "deadline_ms=NaN",
                    "deadline_ms=Infinity",
                    "color=red")) {
                HttpResponse<String> r = send(
                        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/predict?" + query))
                                .header("Content-Type", "application/octet-stream")
                                .POST(HttpRequest.BodyPublishers.ofByteArray(new byte[4 * PER_IMAGE])));
                assertThat(r.statusCode()).as(query).isEqualTo(400);
                assertThat(r.body()).as(query).contains(query.substring(0, query.indexOf('=')));
            }
            assertThat(fake.calls).hasValue(0);
        }
    }

    // ---- 6. validation ----

    @Test
    void issue11NonFiniteInputsUnknownPathsAndWrongMethodsAreRefused() throws Exception {
        Fake fake = new Fake();
        try (Server server = server(fake, settings(1, 8, 100, 10_000))) {
            String values = JSON.writeValueAsString(new float[PER_IMAGE - 1]);
            HttpResponse<String> huge =
                    send(post(server, "/predict", "{\"input\": [1e39, " + values.substring(1) + "}"));
            assertThat(huge.statusCode()).isEqualTo(400);
            assertThat(huge.body()).contains("input[0]", "finite");
            HttpResponse<String> nan = send(post(server, "/predict", "{\"input\": [NaN, " + values.substring(1) + "}"));
            assertThat(nan.statusCode()).isEqualTo(400);
            ByteBuffer raw = ByteBuffer.allocate(4 * PER_IMAGE).order(ByteOrder.LITTLE_ENDIAN);
            raw.putFloat(4 * 5, Float.POSITIVE_INFINITY);
            HttpResponse<String> inf =
                    send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/predict"))
                            .header("Content-Type", "application/octet-stream")
                            .POST(HttpRequest.BodyPublishers.ofByteArray(raw.array())));
            assertThat(inf.statusCode()).isEqualTo(400);
            assertThat(inf.body()).contains("input[5]", "finite");

            assertThat(send(post(server, "/predict/extra", image(null))).statusCode())
                    .isEqualTo(404);
            assertThat(send(post(server, "/predictx", image(null))).statusCode())
                    .isEqualTo(404);
            assertThat(send(get(server, "/metrics/x")).statusCode()).isEqualTo(404);
            HttpResponse<String> postMetrics = send(post(server, "/metrics", "{}"));
            assertThat(postMetrics.statusCode()).isEqualTo(405);
            assertThat(postMetrics.headers().firstValue("Allow")).contains("GET");
            HttpResponse<String> getPredict = send(get(server, "/predict"));
            assertThat(getPredict.statusCode()).isEqualTo(405);
            assertThat(getPredict.headers().firstValue("Allow")).contains("POST");
            HttpResponse<String> unknownKey = send(post(server, "/predict", image(Map.of("deadline", 5))));
            assertThat(unknownKey.statusCode()).isEqualTo(400);
            assertThat(unknownKey.body()).contains("unknown field 'deadline'");
            assertThat(fake.calls).hasValue(0);
        }
    }

    // ---- 7. metrics ----

    @Test
    void issue11MetricsFollowThePrometheusRulesFromTheStart() throws Exception {
        Fake fake = new Fake();
        try (Server server = server(fake, settings(1, 8, 100, 10_000))) {
            String fresh = send(get(server, "/metrics")).body();
            PromRules.check(fresh);
            assertThat(fresh)
                    .contains(
                            "dialnet_request_duration_seconds_bucket{subnet=\"big\",le=\"0.0005\"} 0",
                            "dialnet_request_duration_seconds_bucket{subnet=\"small\",le=\"1\"} 0",
                            "dialnet_rejections_total{reason=\"deadline\"} 0",
                            "dialnet_ready 1",
                            "dialnet_deadline_share 0.9\n",
                            "dialnet_shed_duration_seconds_count 0\n")
                    .doesNotContain("=\"\"", "_ms");
            send(post(server, "/predict", image(Map.of("deadline_ms", 5000))));
            send(post(server, "/predict", image(Map.of("deadline_ms", -1))));
            // the fastest subnet needs 0.5 ms: a 0.4 ms deadline is refused from the headers
            HttpResponse<String> shed = send(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/predict?deadline_ms=0.4"))
                            .header("Content-Type", "application/octet-stream")
                            .POST(HttpRequest.BodyPublishers.ofByteArray(new byte[4 * PER_IMAGE])));
            assertThat(shed.statusCode()).as(shed.body()).isEqualTo(503);
            String after = send(get(server, "/metrics")).body();
            PromRules.check(after);
            assertThat(after)
                    .contains("dialnet_rejections_total{reason=\"bad_request\"} 1")
                    // only the refusal for load is shedding, timed from the request's first byte
                    .contains("dialnet_shed_duration_seconds_count 1\n")
                    .containsPattern("dialnet_shed_duration_seconds_bucket\\{le=\"5\"} 1\n");
        }
    }

    @Test
    void issue11MetricsPassPromtoolWhenItIsInstalled() throws Exception {
        Assumptions.assumeTrue(PromRules.onPath("promtool"), "promtool is not on PATH (apt-get install prometheus)");
        Fake fake = new Fake();
        try (Server server = server(fake, settings(1, 8, 100, 10_000))) {
            PromRules.promtool(send(get(server, "/metrics")).body());
            send(post(server, "/predict", image(Map.of("deadline_ms", 5000))));
            send(post(server, "/predict", image(Map.of("subnet", "nope"))));
            PromRules.promtool(send(get(server, "/metrics")).body());
        }
    }

    // ---- 8. images and the Open Inference Protocol ----

    static byte[] png(int width, int height, int rgb) throws IOException {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                image.setRGB(x, y, rgb);
            }
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(image, "png", out);
        return out.toByteArray();
    }

    /** The normalised value of 8-bit {@code v} in channel {@code c} of {@link #manifest}. */
    static float normalised(int v, int c) {
        double[] mean = {0.5, 0.4, 0.3};
        double[] std = {0.25, 0.2, 0.1};
        return (float) ((v / 255.0 - mean[c]) / std[c]);
    }

    @Test
    void issue11ImagesArePreprocessedWithTheArtifactsRecipe() throws Exception {
        Fake fake = new Fake();
        try (Server server = server(fake, settings(1, 8, 100, 10_000))) {
            byte[] png = png(20, 12, 0x336699); // scaled to 8 px high, centre-cropped to 8x8
            HttpResponse<String> r = send(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/predict?subnet=small"))
                            .header("Content-Type", "image/png")
                            .POST(HttpRequest.BodyPublishers.ofByteArray(png)));
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
            int[] rgb = {0x33, 0x66, 0x99};
            for (int c = 0; c < C; c++) {
                for (int i = 0; i < S * S; i++) {
                    assertThat(fake.lastInput[c * S * S + i])
                            .isCloseTo(normalised(rgb[c], c), Assertions.within(1e-5f));
                }
            }
            HttpResponse<String> notImage =
                    send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/predict"))
                            .header("Content-Type", "image/jpeg")
                            .POST(HttpRequest.BodyPublishers.ofString("hi")));
            assertThat(notImage.statusCode()).isEqualTo(400);
            assertThat(notImage.body()).contains("not a PNG or JPEG");
        }
    }

    @Test
    void issue11OpenInferenceProtocolHealthMetadataAndInfer() throws Exception {
        Fake fake = new Fake();
        try (Server server = server(fake, settings(1, 8, 100, 10_000))) {
            assertThat(send(get(server, "/v2/health/live")).statusCode()).isEqualTo(200);
            assertThat(send(get(server, "/v2/health/ready")).statusCode()).isEqualTo(200);
            assertThat(send(get(server, "/v2/models/cnn/ready")).statusCode()).isEqualTo(200);
            JsonNode meta = JSON.readTree(send(get(server, "/v2/models/cnn")).body());
            assertThat(meta.get("name").asText()).isEqualTo("cnn");
            assertThat(meta.get("versions").toString()).isEqualTo("[\"big\",\"small\"]");
            assertThat(meta.get("inputs").get(0).get("shape").toString()).isEqualTo("[-1,3,8,8]");
            assertThat(JSON.readTree(send(get(server, "/v2")).body())
                            .get("extensions")
                            .toString())
                    .contains("binary_tensor_data");
            assertThat(send(get(server, "/v2/models/other")).statusCode()).isEqualTo(404);
            assertThat(send(get(server, "/v2/models/cnn/versions/huge")).statusCode())
                    .isEqualTo(404);

            // JSON tensor, nested, a version in the path
            float[][][][] x = new float[2][C][S][S];
            x[1][0][0][0] = 2.5f;
            String infer = JSON.writeValueAsString(Map.of(
                    "id",
                    "r1",
                    "inputs",
                    List.of(Map.of("name", "input", "shape", List.of(2, C, S, S), "datatype", "FP32", "data", x))));
            HttpResponse<String> r = send(post(server, "/v2/models/cnn/versions/small/infer", infer));
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
            JsonNode answer = JSON.readTree(r.body());
            assertThat(answer.get("model_version").asText()).isEqualTo("small");
            assertThat(answer.get("id").asText()).isEqualTo("r1");
            assertThat(answer.get("outputs").get(0).get("shape").toString()).isEqualTo("[2,10]");
            assertThat(answer.get("outputs").get(0).get("data").get(10).floatValue())
                    .isEqualTo(2.5f);

            // a deadline as a parameter
            String withDeadline = JSON.writeValueAsString(Map.of(
                    "parameters",
                    Map.of("deadline_ms", 5000),
                    "inputs",
                    List.of(Map.of(
                            "name",
                            "input",
                            "shape",
                            List.of(1, C, S, S),
                            "datatype",
                            "FP32",
                            "data",
                            new float[PER_IMAGE]))));
            assertThat(send(post(server, "/v2/models/cnn/infer", withDeadline)).statusCode())
                    .isEqualTo(200);

            // binary tensors both ways
            byte[] header = JSON.writeValueAsBytes(Map.of(
                    "inputs",
                    List.of(Map.of(
                            "name",
                            "input",
                            "shape",
                            List.of(1, C, S, S),
                            "datatype",
                            "FP32",
                            "parameters",
                            Map.of("binary_data_size", 4 * PER_IMAGE))),
                    "outputs",
                    List.of(Map.of("name", "logits", "parameters", Map.of("binary_data", true)))));
            ByteBuffer body = ByteBuffer.allocate(header.length + 4 * PER_IMAGE).order(ByteOrder.LITTLE_ENDIAN);
            body.put(header);
            for (int i = 0; i < PER_IMAGE; i++) {
                body.putFloat(0.5f);
            }
            HttpResponse<byte[]> binary = CLIENT.send(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/v2/models/cnn/infer"))
                            .header("Content-Type", "application/octet-stream")
                            .header("Inference-Header-Content-Length", String.valueOf(header.length))
                            .timeout(CLIENT_TIMEOUT)
                            .POST(HttpRequest.BodyPublishers.ofByteArray(body.array()))
                            .build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            assertThat(binary.statusCode()).isEqualTo(200);
            int jsonLength = Integer.parseInt(binary.headers()
                    .firstValue("Inference-Header-Content-Length")
                    .orElseThrow());
            JsonNode head = JSON.readTree(Arrays.copyOf(binary.body(), jsonLength));
            assertThat(head.get("outputs")
                            .get(0)
                            .get("parameters")
                            .get("binary_data_size")
                            .asInt())
                    .isEqualTo(40);
            float first = ByteBuffer.wrap(binary.body(), jsonLength, 40)
                    .order(ByteOrder.LITTLE_ENDIAN)
                    .getFloat();
            assertThat(first).isEqualTo(0.5f * PER_IMAGE);

            // an image as a BYTES tensor (base64 in JSON)
            String bytes = JSON.writeValueAsString(Map.of(
                    "inputs",
                    List.of(Map.of(
                            "name",
                            "input",
                            "shape",
                            List.of(1),
                            "datatype",
                            "BYTES",
                            "data",
                            List.of(Base64.getEncoder().encodeToString(png(8, 8, 0xffffff)))))));
            HttpResponse<String> img = send(post(server, "/v2/models/cnn/infer", bytes));
            assertThat(img.statusCode()).as(img.body()).isEqualTo(200);
            assertThat(fake.lastInput[0]).isCloseTo(normalised(255, 0), Assertions.within(1e-5f));

            HttpResponse<String> wrongName =
                    send(post(server, "/v2/models/cnn/infer", infer.replace("\"input\"", "\"x\"")));
            assertThat(wrongName.statusCode()).isEqualTo(400);
            assertThat(wrongName.body()).contains("inputs[0].name");
        }
    }

    @Test
    void issue11TheSettingsNameTheBadOption() {
        Assertions.assertThatThrownBy(() -> Server.Settings.builder()
                        .setPort(0)
                        .optMaxConnections(0)
                        .build())
                .hasMessageContaining("--max-connections");
    }
}
