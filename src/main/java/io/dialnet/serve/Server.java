package io.dialnet.serve;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.dialnet.artifact.Manifest;
import io.dialnet.runtime.DynamicModel;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The HTTP front of a dynamic model (the JDK's built-in server): {@code POST /predict},
 * {@code GET /subnets}, {@code GET /metrics}. Requests go through a bounded queue to a fixed set
 * of inference workers; a full queue is answered 429 at once, a deadline no subnet can meet 503,
 * so latency stays bounded as load rises instead of growing without end. Bad requests get a 4xx
 * naming the problem and the server goes on.
 */
public final class Server implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * How the server runs.
     *
     * @param port TCP port on the loopback or all interfaces (0 = any free port)
     * @param bindAll listen on all interfaces instead of loopback only
     * @param workers inference threads
     * @param queueCapacity requests waiting at most; more are refused with 429
     * @param maxBodyBytes largest request body accepted (413 above)
     * @param defaultSubnet subnet of requests with neither subnet nor deadline (null = the most accurate)
     * @param maxBatch images a worker runs in one call: requests for the same subnet already waiting
     *     behind the one it takes join it (nothing waits for a batch to fill); 1 = one request a call
     */
    public record Settings(int port, boolean bindAll, int workers, int queueCapacity, int maxBodyBytes,
            String defaultSubnet, int maxBatch) {
        public Settings {
            if (workers < 1 || queueCapacity < 1 || maxBodyBytes < 1 || maxBatch < 1 || port < 0 || port > 65535) {
                throw new IllegalArgumentException("--workers, --queue, --max-body and --max-batch must be >= 1 and "
                        + "--port in 0..65535");
            }
        }
    }

    private record Job(float[] input, int batch, String subnet, long enqueued, CompletableFuture<float[]> result) {}

    private final DynamicModel model;
    private final Settings settings;
    private final Controller controller;
    private final Metrics metrics = new Metrics();
    private final BlockingQueue<Job> queue;
    private final ExecutorService workers;
    private final ExecutorService handlers;
    private final HttpServer http;
    private final String defaultSubnet;
    private volatile boolean running = true;
    /** Requests admitted and not yet answered: parsing, queued or running. */
    private final java.util.concurrent.atomic.AtomicInteger inFlight = new java.util.concurrent.atomic.AtomicInteger();

    public Server(DynamicModel model, Settings settings) throws IOException {
        this.model = model;
        this.settings = settings;
        this.controller = new Controller(model.subnets(), model.backend().name().toLowerCase(java.util.Locale.ROOT));
        this.queue = new ArrayBlockingQueue<>(settings.queueCapacity());
        this.defaultSubnet = settings.defaultSubnet() != null ? settings.defaultSubnet()
                : model.subnets().stream().max(java.util.Comparator.comparingDouble(
                        Manifest.SubnetEntry::validationAccuracy)).orElseThrow().name();
        if (model.subnets().stream().noneMatch(s -> s.name().equals(defaultSubnet))) {
            throw new IllegalArgumentException("--default-subnet " + defaultSubnet + " is not one of this model's "
                    + "subnets");
        }
        this.workers = Executors.newFixedThreadPool(settings.workers(), r -> daemon(r, "dialnet-worker"));
        for (int i = 0; i < settings.workers(); i++) {
            workers.submit(this::work);
        }
        InetSocketAddress address = settings.bindAll() ? new InetSocketAddress(settings.port())
                : new InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), settings.port());
        this.http = HttpServer.create(address, 256);
        // A hand-off queue: every accepted request gets a thread at once, so admission control below
        // sees it immediately instead of it waiting, unseen, in an executor's unbounded queue.
        // Up to 256 concurrent connections get a thread (most only to hear 429); past that the JDK
        // server drops the connection, which a client sees as a reset rather than a late answer.
        this.handlers = new java.util.concurrent.ThreadPoolExecutor(4, Math.max(256, 4 * settings.queueCapacity()), 30,
                java.util.concurrent.TimeUnit.SECONDS, new java.util.concurrent.SynchronousQueue<>(),
                r -> daemon(r, "dialnet-http"), new java.util.concurrent.ThreadPoolExecutor.AbortPolicy());
        http.setExecutor(handlers);
        http.createContext("/predict", this::predict);
        http.createContext("/subnets", this::subnets);
        http.createContext("/metrics", this::metrics);
        http.start();
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }

    public int port() {
        return http.getAddress().getPort();
    }

    private void work() {
        List<Job> group = new ArrayList<>();
        while (running) {
            Job first;
            try {
                first = queue.take();
            } catch (InterruptedException e) {
                return;
            }
            group.clear();
            group.add(first);
            int images = first.batch();
            // Same-subnet requests queued right behind it run in the same call: under load a batch
            // costs far less per image (ONNX Runtime, ResNet-20: about half at batch 64), and when
            // the queue is empty nobody waits. Stopping at another subnet keeps the queue's order.
            for (Job next = queue.peek(); next != null && next.subnet().equals(first.subnet())
                    && images + next.batch() <= settings.maxBatch() && queue.remove(next); next = queue.peek()) {
                group.add(next);
                images += next.batch();
            }
            long start = System.nanoTime();
            try {
                float[] logits = model.predict(concat(group, images), images, first.subnet());
                controller.observed(first.subnet(), (System.nanoTime() - start) / 1e6 / images);
                metrics.inferred(images);
                int perImage = logits.length / images;
                int offset = 0;
                for (Job job : group) {
                    int length = job.batch() * perImage;
                    job.result().complete(java.util.Arrays.copyOfRange(logits, offset, offset + length));
                    offset += length;
                }
            } catch (RuntimeException e) {
                group.forEach(job -> job.result().completeExceptionally(e));
            }
        }
    }

    private static float[] concat(List<Job> group, int images) {
        if (group.size() == 1) {
            return group.get(0).input();
        }
        float[] all = new float[group.get(0).input().length / group.get(0).batch() * images];
        int offset = 0;
        for (Job job : group) {
            System.arraycopy(job.input(), 0, all, offset, job.input().length);
            offset += job.input().length;
        }
        return all;
    }

    /** A request that cannot be served, with its HTTP status. */
    private static final class Refusal extends Exception {
        private static final long serialVersionUID = 1L;
        final int status;

        Refusal(int status, String message) {
            super(message);
            this.status = status;
        }
    }

    private void predict(HttpExchange exchange) throws IOException {
        long received = System.nanoTime();
        metrics.received();
        if (inFlight.incrementAndGet() > settings.queueCapacity() + settings.workers()) {
            // Over the bound before reading a byte: refuse at once, so latency of admitted requests stays bounded.
            inFlight.decrementAndGet();
            metrics.rejected("queue_full");
            try (exchange) {
                // Read the (bounded) body so the connection stays usable for the client's next request.
                exchange.getRequestBody().readNBytes(settings.maxBodyBytes() + 1);
                send(exchange, 429, "application/json", JSON.writeValueAsBytes(Map.of("error",
                        "server busy: " + settings.queueCapacity() + " requests already waiting")));
            }
            return;
        }
        // Not try-with-resources: the catch clauses below still answer on this exchange.
        try {
            if (!exchange.getRequestMethod().equals("POST")) {
                throw new Refusal(405, "use POST /predict");
            }
            Map<String, String> query = query(exchange.getRequestURI().getRawQuery());
            String length = exchange.getRequestHeaders().getFirst("Content-Length");
            if (length != null && Long.parseLong(length.trim()) > settings.maxBodyBytes()) {
                // The body stays unread, so the connection cannot carry another request.
                exchange.getResponseHeaders().set("Connection", "close");
                throw new Refusal(413, "body of " + length.trim() + " bytes is larger than " + settings.maxBodyBytes());
            }
            byte[] body = readBody(exchange);
            String type = exchange.getRequestHeaders().getFirst("Content-Type");
            Request request = type != null && type.startsWith("application/octet-stream") ? raw(body, query) : json(body);
            var spec = model.manifest().model();
            long perImage = (long) spec.inputChannels() * spec.inputSize() * spec.inputSize();
            if (request.batch < 1 || request.input.length != request.batch * perImage) {
                throw new Refusal(400, "input has " + request.input.length + " values; " + request.batch + " image(s) of "
                        + spec.inputChannels() + "x" + spec.inputSize() + "x" + spec.inputSize() + " need "
                        + request.batch * perImage);
            }
            String subnet = request.subnet;
            if (subnet != null && model.subnets().stream().noneMatch(s -> s.name().equals(request.subnet))) {
                throw new Refusal(404, "unknown subnet '" + subnet + "'; see GET /subnets");
            }
            if (subnet == null && request.deadlineMs != null) {
                Optional<String> choice = controller.choose(request.deadlineMs, queue.size(), settings.workers());
                if (choice.isEmpty()) {
                    metrics.rejected("deadline");
                    throw new Refusal(503, "no subnet can answer within " + request.deadlineMs + " ms at the current load");
                }
                subnet = choice.get();
            }
            if (subnet == null) {
                subnet = defaultSubnet;
            }
            Job job = new Job(request.input, request.batch, subnet, System.nanoTime(), new CompletableFuture<>());
            if (!queue.offer(job)) {
                metrics.rejected("queue_full");
                throw new Refusal(429, "server busy: " + settings.queueCapacity() + " requests already queued");
            }
            float[] logits;
            try {
                logits = job.result().get();
            } catch (ExecutionException e) {
                throw new Refusal(500, "inference failed: " + e.getCause().getMessage());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new Refusal(503, "server stopping");
            }
            double ms = (System.nanoTime() - received) / 1e6;
            metrics.served(subnet, ms);
            int classes = logits.length / request.batch;
            float[][] rows = new float[request.batch][classes];
            for (int i = 0; i < request.batch; i++) {
                System.arraycopy(logits, i * classes, rows[i], 0, classes);
            }
            Map<String, Object> response = new LinkedHashMap<>();
            response.put("subnet", subnet);
            response.put("latency_ms", ms);
            response.put("logits", rows);
            send(exchange, 200, "application/json", JSON.writeValueAsBytes(response));
        } catch (Refusal r) {
            if (r.status == 400 || r.status == 404 || r.status == 413) {
                metrics.rejected("bad_request");
            }
            send(exchange, r.status, "application/json", JSON.writeValueAsBytes(Map.of("error", r.getMessage())));
        } catch (RuntimeException e) {
            metrics.rejected("error");
            send(exchange, 500, "application/json", JSON.writeValueAsBytes(Map.of("error", String.valueOf(e))));
        } finally {
            inFlight.decrementAndGet();
            exchange.close();
        }
    }

    private record Request(float[] input, int batch, String subnet, Double deadlineMs) {}

    private Request json(byte[] body) throws Refusal {
        JsonNode node;
        try {
            node = JSON.readTree(body);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new Refusal(400, "malformed JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new Refusal(400, "unreadable body: " + e.getMessage());
        }
        if (node == null || !node.isObject() || !node.path("input").isArray()) {
            throw new Refusal(400, "expected {\"input\": [floats...], \"batch\": n, \"subnet\" or \"deadline_ms\"}");
        }
        JsonNode values = node.get("input");
        float[] input = new float[values.size()];
        for (int i = 0; i < input.length; i++) {
            if (!values.get(i).isNumber()) {
                throw new Refusal(400, "input[" + i + "] is not a number");
            }
            input[i] = values.get(i).floatValue();
        }
        return new Request(input, node.path("batch").asInt(1), node.hasNonNull("subnet") ? node.get("subnet").asText()
                : null, node.hasNonNull("deadline_ms") ? node.get("deadline_ms").asDouble() : null);
    }

    private static Request raw(byte[] body, Map<String, String> query) throws Refusal {
        if (body.length % 4 != 0) {
            throw new Refusal(400, "a raw body is little-endian float32: " + body.length + " bytes is not a multiple of 4");
        }
        float[] input = new float[body.length / 4];
        ByteBuffer.wrap(body).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(input);
        try {
            return new Request(input, Integer.parseInt(query.getOrDefault("batch", "1")), query.get("subnet"),
                    query.containsKey("deadline_ms") ? Double.valueOf(query.get("deadline_ms")) : null);
        } catch (NumberFormatException e) {
            throw new Refusal(400, "batch and deadline_ms must be numbers: " + e.getMessage());
        }
    }

    private byte[] readBody(HttpExchange exchange) throws IOException, Refusal {
        byte[] body = exchange.getRequestBody().readNBytes(settings.maxBodyBytes() + 1);
        if (body.length > settings.maxBodyBytes()) {
            exchange.getResponseHeaders().set("Connection", "close");
            throw new Refusal(413, "body larger than " + settings.maxBodyBytes() + " bytes");
        }
        return body;
    }

    private static Map<String, String> query(String raw) {
        Map<String, String> out = new LinkedHashMap<>();
        if (raw != null) {
            for (String pair : raw.split("&")) {
                int eq = pair.indexOf('=');
                if (eq > 0) {
                    out.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                            URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
                }
            }
        }
        return out;
    }

    private void subnets(HttpExchange exchange) throws IOException {
        try (exchange) {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("subnets", model.subnets());
            body.put("default", defaultSubnet);
            body.put("service_ms_estimates", controller.estimates());
            send(exchange, 200, "application/json", JSON.writeValueAsBytes(body));
        }
    }

    private void metrics(HttpExchange exchange) throws IOException {
        try (exchange) {
            send(exchange, 200, "text/plain; version=0.0.4", metrics.prometheus(queue.size())
                    .getBytes(StandardCharsets.UTF_8));
        }
    }

    private static void send(HttpExchange exchange, int status, String type, byte[] body) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", type);
        exchange.sendResponseHeaders(status, body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }

    @Override
    public void close() {
        running = false;
        http.stop(0);
        workers.shutdownNow();
        handlers.shutdownNow();
    }

}
