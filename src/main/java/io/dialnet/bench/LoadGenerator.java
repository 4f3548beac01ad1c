package io.dialnet.bench;

import com.fasterxml.jackson.databind.JsonNode;
import io.dialnet.Json;
import io.dialnet.runtime.LatencyProfiler;
import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.function.Consumer;

/**
 * An open-loop load generator for a {@code dialnet serve} on this machine: for each offered rate
 * it sends a bounded number of requests at fixed intervals, whatever the answers' speed, and
 * measures throughput, latency, status codes and the subnet mix. Only loopback targets are
 * accepted.
 *
 * @param url the server's base URL
 * @param rates offered requests per second, one measurement each, 1..10,000
 * @param seconds duration of each rate, 1..120
 * @param deadlineMs deadline sent with every request, or {@code null} (the server's default subnet answers)
 * @param inputSize floats per image
 * @param raw raw little-endian float32 bodies instead of JSON
 * @param warmupSeconds untimed load at the first rate before measuring
 */
public record LoadGenerator(
        URI url, List<Integer> rates, int seconds, Double deadlineMs, int inputSize, boolean raw, int warmupSeconds) {

    /** The header of the {@link Row#line} table. */
    public static final String HEADER = String.format(
            "%8s %10s %9s %9s %9s %8s %8s  %s",
            "offered", "served/s", "p50 ms", "p99 ms", "ok", "429", "503/504", "subnet mix");

    /** One offered rate's outcome. */
    public record Row(
            int offered,
            double servedPerSecond,
            double p50Ms,
            double p99Ms,
            long ok,
            long busy,
            long late,
            long failed,
            Map<String, Integer> subnetMix) {

        /** This row under {@link #HEADER}. */
        public String line() {
            return String.format(
                    Locale.ROOT,
                    "%8d %10.1f %9.2f %9.2f %9d %8d %8d  %s%s",
                    offered,
                    servedPerSecond,
                    p50Ms,
                    p99Ms,
                    ok,
                    busy,
                    late,
                    subnetMix,
                    failed > 0 ? "  (" + failed + " failed)" : "");
        }
    }

    /** A generator for these settings, checked: a loopback target, rates and duration in range. */
    public static LoadGenerator checked(
            URI url, List<Integer> rates, int seconds, Double deadlineMs, int inputSize, boolean raw, int warmupSeconds)
            throws UnknownHostException {
        if (!InetAddress.getByName(url.getHost()).isLoopbackAddress()) {
            throw new IllegalArgumentException(
                    "--url " + url + ": the load generator only targets this machine's loopback");
        }
        if (seconds < 1 || seconds > 120 || rates.stream().anyMatch(r -> r < 1 || r > 10_000)) {
            throw new IllegalArgumentException("--seconds must be 1..120 and rates 1..10000 per second");
        }
        return new LoadGenerator(url, rates, seconds, deadlineMs, inputSize, raw, warmupSeconds);
    }

    /** Offers every rate in turn (after the warm-up), reporting each row to {@code rows} as it is measured. */
    public List<Row> run(Consumer<Row> rows) throws InterruptedException {
        HttpRequest request = request();
        HttpClient client = HttpClient.newBuilder()
                .executor(Executors.newFixedThreadPool(32))
                .build();
        if (warmupSeconds > 0) {
            offer(client, request, rates.get(0), warmupSeconds);
        }
        List<Row> measured = new ArrayList<>();
        for (int rate : rates) {
            Row row = offer(client, request, rate, seconds);
            measured.add(row);
            rows.accept(row);
        }
        return measured;
    }

    /** What a JSON report of {@code rows} holds: the settings and the rows. */
    public Map<String, Object> report(List<Row> rows) {
        return Map.of(
                "url",
                url.toString(),
                "raw",
                raw,
                "deadlineMs",
                deadlineMs == null ? "none" : deadlineMs,
                "seconds",
                seconds,
                "rows",
                rows);
    }

    /** One POST /predict of a fixed image, JSON or raw float32, with the deadline if any. */
    private HttpRequest request() {
        String query = deadlineMs == null ? "" : "?deadline_ms=" + deadlineMs;
        if (raw) {
            ByteBuffer body = ByteBuffer.allocate(4 * inputSize).order(ByteOrder.LITTLE_ENDIAN);
            for (int i = 0; i < inputSize; i++) {
                body.putFloat((i % 7) * 0.1f);
            }
            return HttpRequest.newBuilder(url.resolve("/predict" + query))
                    .header("Content-Type", "application/octet-stream")
                    .POST(HttpRequest.BodyPublishers.ofByteArray(body.array()))
                    .build();
        }
        StringBuilder body = new StringBuilder("{\"input\":[");
        for (int i = 0; i < inputSize; i++) {
            body.append(i == 0 ? "" : ",").append((i % 7) * 0.1);
        }
        body.append("]")
                .append(deadlineMs == null ? "" : ",\"deadline_ms\":" + deadlineMs)
                .append("}");
        return HttpRequest.newBuilder(url.resolve("/predict"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body.toString()))
                .build();
    }

    /** Sends {@code rate} requests a second for {@code seconds} at fixed intervals (open loop). */
    private static Row offer(HttpClient client, HttpRequest request, int rate, int seconds)
            throws InterruptedException {
        ConcurrentLinkedQueue<double[]> done = new ConcurrentLinkedQueue<>();
        ConcurrentLinkedQueue<String> subnets = new ConcurrentLinkedQueue<>();
        List<CompletableFuture<?>> pending = new ArrayList<>();
        int total = rate * seconds;
        long start = System.nanoTime();
        for (int i = 0; i < total; i++) {
            // open loop: each request leaves at its own time, whether or not the earlier ones were answered
            long due = start + (long) (i * 1e9 / rate);
            long wait = due - System.nanoTime();
            if (wait > 0) {
                Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
            }
            pending.add(send(client, request, done, subnets));
        }
        CompletableFuture.allOf(pending.toArray(CompletableFuture[]::new)).join();
        return row(rate, (System.nanoTime() - start) / 1e9, done, subnets);
    }

    /** Sends one request; its status and milliseconds go to {@code done}, an answer's subnet to {@code subnets}. */
    private static CompletableFuture<?> send(
            HttpClient client,
            HttpRequest request,
            ConcurrentLinkedQueue<double[]> done,
            ConcurrentLinkedQueue<String> subnets) {
        long sent = System.nanoTime();
        return client.sendAsync(request, HttpResponse.BodyHandlers.ofString()).handle((response, error) -> {
            int status = error != null ? -1 : response.statusCode();
            done.add(new double[] {status, (System.nanoTime() - sent) / 1e6});
            if (status == 200) {
                subnets.add(subnetOf(response.body()));
            }
            return null;
        });
    }

    /** The row of one offered rate: answers by kind, latency percentiles of the answered, the subnet mix. */
    private static Row row(
            int rate, double elapsed, ConcurrentLinkedQueue<double[]> done, ConcurrentLinkedQueue<String> subnets) {
        double[] okLatency = done.stream()
                .filter(d -> d[0] == 200)
                .mapToDouble(d -> d[1])
                .sorted()
                .toArray();
        long ok = okLatency.length;
        long busy = done.stream().filter(d -> d[0] == 429).count();
        long late = done.stream().filter(d -> d[0] == 503 || d[0] == 504).count();
        long failed = done.size() - ok - busy - late;
        Map<String, Integer> mix = new TreeMap<>();
        subnets.forEach(n -> mix.merge(n, 1, Integer::sum));
        return new Row(
                rate,
                ok / elapsed,
                LatencyProfiler.percentile(okLatency, 50),
                LatencyProfiler.percentile(okLatency, 99),
                ok,
                busy,
                late,
                failed,
                mix);
    }

    /** The subnet that answered, from a 200 answer's JSON; "?" when it cannot be read. */
    private static String subnetOf(String body) {
        try {
            JsonNode node = Json.MAPPER.readTree(body);
            return node.get("subnet").asText();
        } catch (IOException e) {
            return "?";
        }
    }
}
