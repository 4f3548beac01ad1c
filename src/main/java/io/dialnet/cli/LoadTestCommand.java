package io.dialnet.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.dialnet.Json;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code dialnet loadtest}: an open-loop load generator for a running {@code dialnet serve} on
 * this machine. For each offered rate it sends a bounded number of requests at fixed intervals and
 * reports throughput, p50/p99 latency, status codes and the subnet mix. Only loopback targets are
 * accepted.
 */
@Command(
        name = "loadtest",
        mixinStandardHelpOptions = true,
        description =
                "Offer increasing request rates to a local dialnet serve; report throughput, latency and subnet mix.")
final class LoadTestCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(
            names = "--url",
            defaultValue = "http://127.0.0.1:8080",
            description = "Server base URL, loopback only (default: ${DEFAULT-VALUE}).")
    URI url;

    @Option(
            names = "--rates",
            split = ",",
            defaultValue = "20,50,100,200",
            description = "Offered requests per second (default: ${DEFAULT-VALUE}).")
    List<Integer> rates;

    @Option(
            names = "--seconds",
            defaultValue = "10",
            description = "Duration of each rate, 1..120 (default: ${DEFAULT-VALUE}).")
    int seconds;

    @Option(
            names = "--deadline-ms",
            description = "Deadline sent with every request (else the server's default subnet answers).")
    Double deadline;

    @Option(
            names = "--input-size",
            defaultValue = "3072",
            description = "Floats per image (default: ${DEFAULT-VALUE}, CIFAR).")
    int inputSize;

    @Option(
            names = "--raw",
            description = "Send raw little-endian float32 bodies (application/octet-stream) instead of JSON.")
    boolean raw;

    @Option(
            names = "--warmup-seconds",
            defaultValue = "0",
            description = "Untimed load at the first rate before measuring (default: ${DEFAULT-VALUE}).")
    int warmupSeconds;

    @Option(names = "--json", paramLabel = "FILE", description = "Also write the rows as JSON.")
    java.nio.file.Path json;

    /** One offered rate's outcome. */
    record Row(
            int offered,
            double servedPerSecond,
            double p50Ms,
            double p99Ms,
            long ok,
            long busy,
            long late,
            long failed,
            Map<String, Integer> subnetMix) {}

    @Override
    public Integer call() throws Exception {
        if (!InetAddress.getByName(url.getHost()).isLoopbackAddress()) {
            throw new IllegalArgumentException(
                    "--url " + url + ": the load generator only targets this machine's loopback");
        }
        if (seconds < 1 || seconds > 120 || rates.stream().anyMatch(r -> r < 1 || r > 10_000)) {
            throw new IllegalArgumentException("--seconds must be 1..120 and rates 1..10000 per second");
        }
        HttpRequest request = request();
        HttpClient client = HttpClient.newBuilder()
                .executor(java.util.concurrent.Executors.newFixedThreadPool(32))
                .build();
        PrintWriter out = spec.commandLine().getOut();
        out.printf(
                "%8s %10s %9s %9s %9s %8s %8s  %s%n",
                "offered", "served/s", "p50 ms", "p99 ms", "ok", "429", "503/504", "subnet mix");
        if (warmupSeconds > 0) {
            offer(client, request, rates.get(0), warmupSeconds);
        }
        List<Row> rows = new ArrayList<>();
        for (int rate : rates) {
            Row row = offer(client, request, rate, seconds);
            rows.add(row);
            out.printf(
                    Locale.ROOT,
                    "%8d %10.1f %9.2f %9.2f %9d %8d %8d  %s%s%n",
                    rate,
                    row.servedPerSecond(),
                    row.p50Ms(),
                    row.p99Ms(),
                    row.ok(),
                    row.busy(),
                    row.late(),
                    row.subnetMix(),
                    row.failed() > 0 ? "  (" + row.failed() + " failed)" : "");
            out.flush();
        }
        if (json != null) {
            io.dialnet.AtomicFiles.write(
                    json,
                    Json.pretty(Map.of(
                            "url",
                            url.toString(),
                            "raw",
                            raw,
                            "deadlineMs",
                            deadline == null ? "none" : deadline,
                            "seconds",
                            seconds,
                            "rows",
                            rows)));
        }
        return 0;
    }

    private HttpRequest request() {
        String query = deadline == null ? "" : "?deadline_ms=" + deadline;
        if (raw) {
            java.nio.ByteBuffer body =
                    java.nio.ByteBuffer.allocate(4 * inputSize).order(java.nio.ByteOrder.LITTLE_ENDIAN);
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
                .append(deadline == null ? "" : ",\"deadline_ms\":" + deadline)
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
            long due = start + (long) (i * 1e9 / rate);
            long wait = due - System.nanoTime();
            if (wait > 0) {
                Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
            }
            long sent = System.nanoTime();
            pending.add(client.sendAsync(request, HttpResponse.BodyHandlers.ofString())
                    .handle((response, error) -> {
                        int status = error != null ? -1 : response.statusCode();
                        done.add(new double[] {status, (System.nanoTime() - sent) / 1e6});
                        if (status == 200) {
                            try {
                                JsonNode node = Json.MAPPER.readTree(response.body());
                                subnets.add(node.get("subnet").asText());
                            } catch (java.io.IOException e) {
                                subnets.add("?");
                            }
                        }
                        return null;
                    }));
        }
        CompletableFuture.allOf(pending.toArray(CompletableFuture[]::new)).join();
        double elapsed = (System.nanoTime() - start) / 1e9;
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
                rate, ok / elapsed, percentile(okLatency, 50), percentile(okLatency, 99), ok, busy, late, failed, mix);
    }

    private static double percentile(double[] sorted, double p) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        return sorted[Math.max(0, Math.min(sorted.length - 1, (int) Math.ceil(p / 100 * sorted.length) - 1))];
    }
}
