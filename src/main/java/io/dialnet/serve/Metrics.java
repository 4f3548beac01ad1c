package io.dialnet.serve;

import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Prometheus-style counters: requests, inference calls and images (their ratio is the mean batch),
 * a latency histogram per subnet, the current choice, rejections.
 */
public final class Metrics {
    private static final double[] BUCKETS_MS = {1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000};

    private final Map<String, AtomicLongArray> histograms = new ConcurrentHashMap<>();
    private final Map<String, AtomicLong> sumMicros = new ConcurrentHashMap<>();
    private final Map<String, AtomicLong> rejections = new ConcurrentHashMap<>();
    private final AtomicLong requests = new AtomicLong();
    private final AtomicLong inferenceCalls = new AtomicLong();
    private final AtomicLong inferenceImages = new AtomicLong();
    private final AtomicReference<String> current = new AtomicReference<>("");

    public void received() {
        requests.incrementAndGet();
    }

    public void served(String subnet, double ms) {
        current.set(subnet);
        AtomicLongArray h = histograms.computeIfAbsent(subnet, k -> new AtomicLongArray(BUCKETS_MS.length + 1));
        int i = 0;
        while (i < BUCKETS_MS.length && ms > BUCKETS_MS[i]) {
            i++;
        }
        h.incrementAndGet(i);
        sumMicros.computeIfAbsent(subnet, k -> new AtomicLong()).addAndGet(Math.round(ms * 1000));
    }

    /** One call into the model for {@code images} images (several requests when batched). */
    public void inferred(int images) {
        inferenceCalls.incrementAndGet();
        inferenceImages.addAndGet(images);
    }

    public void rejected(String reason) {
        rejections.computeIfAbsent(reason, k -> new AtomicLong()).incrementAndGet();
    }

    public String prometheus(int queued) {
        StringBuilder out = new StringBuilder();
        out.append("# TYPE dialnet_requests_total counter\n");
        out.append("dialnet_requests_total ").append(requests.get()).append('\n');
        out.append("# TYPE dialnet_inference_calls_total counter\ndialnet_inference_calls_total ")
                .append(inferenceCalls.get()).append('\n');
        out.append("# TYPE dialnet_inference_images_total counter\ndialnet_inference_images_total ")
                .append(inferenceImages.get()).append('\n');
        out.append("# TYPE dialnet_queue_length gauge\ndialnet_queue_length ").append(queued).append('\n');
        out.append("# TYPE dialnet_current_subnet gauge\n");
        out.append("dialnet_current_subnet{subnet=\"").append(current.get()).append("\"} 1\n");
        out.append("# TYPE dialnet_rejections_total counter\n");
        rejections.forEach((reason, n) -> out.append("dialnet_rejections_total{reason=\"").append(reason)
                .append("\"} ").append(n.get()).append('\n'));
        out.append("# TYPE dialnet_latency_ms histogram\n");
        histograms.forEach((subnet, h) -> {
            long cumulative = 0;
            for (int i = 0; i <= BUCKETS_MS.length; i++) {
                cumulative += h.get(i);
                String le = i < BUCKETS_MS.length ? String.format(Locale.ROOT, "%g", BUCKETS_MS[i]) : "+Inf";
                out.append("dialnet_latency_ms_bucket{subnet=\"").append(subnet).append("\",le=\"").append(le)
                        .append("\"} ").append(cumulative).append('\n');
            }
            out.append("dialnet_latency_ms_sum{subnet=\"").append(subnet).append("\"} ")
                    .append(String.format(Locale.ROOT, "%.3f", sumMicros.get(subnet).get() / 1000.0)).append('\n');
            out.append("dialnet_latency_ms_count{subnet=\"").append(subnet).append("\"} ").append(cumulative)
                    .append('\n');
        });
        return out.toString();
    }
}
