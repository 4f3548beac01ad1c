package io.dialnet.serve;

import java.math.BigDecimal;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.DoubleAdder;
import java.util.function.DoubleSupplier;
import java.util.function.IntSupplier;

/**
 * Prometheus text exposition (format 0.0.4) that {@code promtool check metrics} accepts: every
 * family has HELP and TYPE, durations are in seconds, counters end in {@code _total}, and every
 * series exists from the start (each subnet, status code and rejection reason at zero), so a
 * dashboard never sees a series appear or a label with an empty value.
 */
public final class Metrics {
    /** Upper bounds of the latency histogram, seconds. */
    static final double[] BUCKETS_SECONDS = {0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5};
    /** Why a request was refused; each is a {@code reason} label value. */
    public static final List<String> REASONS =
            List.of("queue_full", "deadline", "expired", "bad_request", "error", "shutting_down", "timeout");
    /** Status codes counted by {@code dialnet_responses_total}. */
    static final List<Integer> CODES = List.of(200, 400, 404, 405, 413, 415, 429, 431, 500, 503, 504);

    private final List<String> subnets;
    private final Map<String, Histogram> latency = new LinkedHashMap<>();
    /** Time to a refusal for load (429, and 503 for a deadline no subnet can meet). */
    private final Histogram shedding = new Histogram();

    private final Map<String, AtomicLong> chosen = new LinkedHashMap<>();
    private final Map<String, AtomicLong> rejections = new LinkedHashMap<>();
    private final Map<Integer, AtomicLong> responses = new LinkedHashMap<>();
    private final AtomicLong otherResponses = new AtomicLong();
    private final AtomicLong requests = new AtomicLong();
    private final AtomicLong inferenceCalls = new AtomicLong();
    private final AtomicLong inferenceImages = new AtomicLong();
    private final AtomicLong workerRestarts = new AtomicLong();
    private final AtomicLong connectionsRefused = new AtomicLong();
    private final AtomicLong connectionsTimedOut = new AtomicLong();

    /** Metrics of a model with these subnets (label values fixed from the start). */
    public Metrics(List<String> subnets) {
        this.subnets = List.copyOf(subnets);
        for (String s : subnets) {
            if (s.isEmpty()) {
                throw new IllegalArgumentException("a subnet needs a non-empty name");
            }
            latency.put(s, new Histogram());
            chosen.put(s, new AtomicLong());
        }
        REASONS.forEach(r -> rejections.put(r, new AtomicLong()));
        CODES.forEach(c -> responses.put(c, new AtomicLong()));
    }

    /** An inference request arrived (any protocol). */
    public void received() {
        requests.incrementAndGet();
    }

    /** A request was answered by {@code subnet} after {@code seconds} (from its first byte). */
    public void served(String subnet, double seconds) {
        Histogram h = latency.get(subnet);
        if (h == null) {
            return;
        }
        h.observe(seconds);
        chosen.get(subnet).incrementAndGet();
    }

    /** A request was refused for load (429 or 503) after {@code seconds} from its first byte. */
    public void shed(double seconds) {
        shedding.observe(seconds);
    }

    /** One call into the model for {@code images} images (several requests when batched). */
    public void inferred(int images) {
        inferenceCalls.incrementAndGet();
        inferenceImages.addAndGet(images);
    }

    /** A refusal; {@code reason} is one of {@link #REASONS}. */
    public void rejected(String reason) {
        AtomicLong n = rejections.get(reason);
        if (n == null) {
            throw new IllegalArgumentException("unknown rejection reason " + reason);
        }
        n.incrementAndGet();
    }

    /** Any HTTP response, by status code. */
    public void responded(int status) {
        AtomicLong n = responses.get(status);
        (n == null ? otherResponses : n).incrementAndGet();
    }

    public void workerRestarted() {
        workerRestarts.incrementAndGet();
    }

    public void connectionRefused() {
        connectionsRefused.incrementAndGet();
    }

    public void connectionTimedOut() {
        connectionsTimedOut.incrementAndGet();
    }

    /** Live values the server owns. */
    record Gauges(
            IntSupplier queued,
            IntSupplier inFlight,
            IntSupplier connections,
            IntSupplier workersAlive,
            IntSupplier ready,
            DoubleSupplier deadlineShare) {}

    /** The exposition text: the counters, the server's gauges, then the latency histograms. */
    public String prometheus(Gauges g) {
        StringBuilder out = new StringBuilder(4096);
        requestCounters(out);
        serverCounters(out);
        gauges(out, g);
        family(
                out,
                "dialnet_request_duration_seconds",
                "histogram",
                "Time from a request's first byte to its answer, by subnet.");
        for (String s : subnets) {
            latency.get(s).write(out, "dialnet_request_duration_seconds", "subnet=\"" + escape(s) + "\",");
        }
        family(
                out,
                "dialnet_shed_duration_seconds",
                "histogram",
                "Time from a request's first byte to its refusal for load "
                        + "(429, or 503 for a deadline no subnet meets).");
        shedding.write(out, "dialnet_shed_duration_seconds", "");
        return out.toString();
    }

    /** What happened to requests: received, answered by code, run, refused by reason, answered by subnet. */
    private void requestCounters(StringBuilder out) {
        counter(out, "dialnet_requests_total", "Inference requests received (predict and v2 infer).", requests.get());
        family(out, "dialnet_responses_total", "counter", "HTTP responses by status code.");
        responses.forEach((code, n) -> sample(out, "dialnet_responses_total", "code", String.valueOf(code), n.get()));
        sample(out, "dialnet_responses_total", "code", "other", otherResponses.get());
        counter(
                out,
                "dialnet_inference_calls_total",
                "Calls into the model (one call may batch several requests).",
                inferenceCalls.get());
        counter(out, "dialnet_inference_images_total", "Images run through the model.", inferenceImages.get());
        family(out, "dialnet_rejections_total", "counter", "Requests refused, by reason.");
        rejections.forEach((r, n) -> sample(out, "dialnet_rejections_total", "reason", r, n.get()));
        family(out, "dialnet_subnet_requests_total", "counter", "Requests answered, by the subnet that answered.");
        chosen.forEach((s, n) -> sample(out, "dialnet_subnet_requests_total", "subnet", s, n.get()));
    }

    /** What happened to the server itself: workers replaced, connections refused or timed out. */
    private void serverCounters(StringBuilder out) {
        counter(
                out,
                "dialnet_worker_restarts_total",
                "Inference workers replaced after a failure.",
                workerRestarts.get());
        counter(
                out,
                "dialnet_connections_refused_total",
                "Connections closed at once because the bound was reached.",
                connectionsRefused.get());
        counter(
                out,
                "dialnet_connections_timed_out_total",
                "Connections closed because a request arrived too slowly or the connection sat idle.",
                connectionsTimedOut.get());
    }

    private static void gauges(StringBuilder out, Gauges g) {
        gauge(
                out,
                "dialnet_queue_length",
                "Requests waiting for a worker.",
                g.queued().getAsInt());
        gauge(
                out,
                "dialnet_in_flight_requests",
                "Inference requests admitted and not yet answered.",
                g.inFlight().getAsInt());
        gauge(
                out,
                "dialnet_open_connections",
                "Open client connections.",
                g.connections().getAsInt());
        gauge(
                out,
                "dialnet_workers_alive",
                "Inference workers able to serve.",
                g.workersAlive().getAsInt());
        gauge(
                out,
                "dialnet_ready",
                "1 when the server accepts inference requests, else 0.",
                g.ready().getAsInt());
        family(
                out,
                "dialnet_deadline_share",
                "gauge",
                "Share of a request's remaining time the deadline controller plans to fill "
                        + "(0.3-0.9; cut by expiries).");
        out.append("dialnet_deadline_share ")
                .append(number(g.deadlineShare().getAsDouble()))
                .append('\n');
    }

    /** Counts per latency bucket and their sum, safe to update from any thread. */
    private static final class Histogram {
        private final AtomicLongArray counts = new AtomicLongArray(BUCKETS_SECONDS.length + 1);
        private final DoubleAdder sum = new DoubleAdder();

        void observe(double seconds) {
            int i = 0;
            while (i < BUCKETS_SECONDS.length && seconds > BUCKETS_SECONDS[i]) {
                i++;
            }
            counts.incrementAndGet(i);
            sum.add(seconds);
        }

        /** The cumulative buckets, sum and count of series {@code name}, labels {@code labels} ("" or "k=\"v\","). */
        void write(StringBuilder out, String name, String labels) {
            long cumulative = 0;
            for (int i = 0; i <= BUCKETS_SECONDS.length; i++) {
                cumulative += counts.get(i);
                String le = i < BUCKETS_SECONDS.length ? number(BUCKETS_SECONDS[i]) : "+Inf";
                out.append(name)
                        .append("_bucket{")
                        .append(labels)
                        .append("le=\"")
                        .append(le)
                        .append("\"} ");
                out.append(cumulative).append('\n');
            }
            String plain = labels.isEmpty() ? "" : "{" + labels.substring(0, labels.length() - 1) + "}";
            out.append(name).append("_sum").append(plain).append(' ');
            out.append(String.format(Locale.ROOT, "%.6f", sum.sum())).append('\n');
            out.append(name)
                    .append("_count")
                    .append(plain)
                    .append(' ')
                    .append(cumulative)
                    .append('\n');
        }
    }

    /** Shortest plain decimal: 0.0005, 1, 2.5 (never 1.00000 or 5e-04). */
    static String number(double v) {
        return BigDecimal.valueOf(v).stripTrailingZeros().toPlainString();
    }

    private static String escape(String label) {
        return label.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
    }

    private static void family(StringBuilder out, String name, String type, String help) {
        out.append("# HELP ").append(name).append(' ').append(help).append('\n');
        out.append("# TYPE ").append(name).append(' ').append(type).append('\n');
    }

    private static void counter(StringBuilder out, String name, String help, long value) {
        family(out, name, "counter", help);
        out.append(name).append(' ').append(value).append('\n');
    }

    private static void gauge(StringBuilder out, String name, String help, long value) {
        family(out, name, "gauge", help);
        out.append(name).append(' ').append(value).append('\n');
    }

    private static void sample(StringBuilder out, String name, String label, String value, long n) {
        out.append(name)
                .append('{')
                .append(label)
                .append("=\"")
                .append(escape(value))
                .append("\"} ")
                .append(n)
                .append('\n');
    }
}
