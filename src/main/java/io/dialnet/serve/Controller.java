package io.dialnet.serve;

import io.dialnet.artifact.Manifest;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Picks the subnet for each request so its deadline is met as load rises: the predicted latency
 * of a subnet is the work ahead of the request (queued requests and batches already running, in
 * estimated milliseconds per worker) plus its own service time; the most accurate subnet whose
 * prediction fits the deadline wins. Service times start from the latency measured into the model
 * ({@code dialnet bench latency}) and follow a moving average of what the server observes.
 */
public final class Controller {
    private final List<Manifest.SubnetEntry> byAccuracy;
    private final Map<String, Double> serviceMs = new LinkedHashMap<>();
    private final Map<String, Double> profiled = new LinkedHashMap<>();
    private final String fallback;
    /** See {@link #share()}. */
    private double share = MAX_SHARE;
    /** When the share was last cut (System.nanoTime); misses of one burst cut it once. */
    private long lastCutNanos = Long.MIN_VALUE / 2;

    /** The most of a request's remaining time the controller plans to fill: the rest is for writing the answer. */
    static final double MAX_SHARE = 0.9;

    /** The least: however often requests expire, a deadline still admits some work. */
    static final double MIN_SHARE = 0.3;

    /** A miss cuts the share by this fraction. */
    static final double CUT = 0.2;

    /**
     * The share of admitted requests allowed to miss their deadline, in equilibrium. Measured misses
     * run several times this (a burst that expires together counts once; the client also sees time
     * outside the server): at 0.5%, 1-4% of admitted requests at 2x load missed as the client saw it;
     * at 0.2%, 1.2-1.4% (docs/BENCHMARKS.md section 8).
     */
    static final double TARGET_MISS_RATE = 0.002;

    public Controller(List<Manifest.SubnetEntry> subnets, String backend) {
        this.byAccuracy = new ArrayList<>(subnets);
        byAccuracy.sort(Comparator.comparingDouble(Manifest.SubnetEntry::validationAccuracy)
                .reversed());
        for (Manifest.SubnetEntry s : subnets) {
            double ms = s.latency().stream()
                    .filter(l -> l.batchSize() == 1 && l.backend().equals(backend))
                    .mapToDouble(Manifest.Latency::p50)
                    .min()
                    .orElse(s.latency().stream()
                            .filter(l -> l.batchSize() == 1)
                            .mapToDouble(Manifest.Latency::p50)
                            .min()
                            .orElse(Double.NaN));
            serviceMs.put(s.name(), ms);
            profiled.put(s.name(), ms);
        }
        this.fallback = subnets.stream()
                .min(Comparator.comparingLong(Manifest.SubnetEntry::macs))
                .orElseThrow()
                .name();
    }

    /** Whether every subnet has a latency estimate (else deadlines fall back to the fastest subnet). */
    public boolean calibrated() {
        return serviceMs.values().stream().noneMatch(v -> Double.isNaN(v));
    }

    /**
     * The most accurate subnet that answers {@code batch} images within {@code budgetMs} when
     * {@code aheadMs} of work (queued and in progress, per worker) must finish first; empty when
     * not even the fastest subnet can make it.
     */
    public synchronized Optional<String> choose(double budgetMs, double aheadMs, int batch) {
        relax();
        for (Manifest.SubnetEntry s : byAccuracy) {
            double own = serviceMs.get(s.name());
            if (!Double.isNaN(own) && aheadMs + own * batch <= budgetMs) {
                return Optional.of(s.name());
            }
        }
        double fastest = serviceMs.getOrDefault(fallback, Double.NaN);
        if (Double.isNaN(fastest) || aheadMs + fastest * batch <= budgetMs) {
            return Optional.of(fallback);
        }
        return Optional.empty();
    }

    /**
     * The share of a request's remaining time the controller plans to fill now. Its predictions
     * (work ahead plus the median service time) miss what they cannot see, such as the network
     * thread taking the worker's core or a burst arriving together, and a miss costs an admitted
     * request that then expires (504). So the share adapts as a congestion window does: an
     * admitted request that misses its deadline cuts it by {@link #CUT} (down to {@link #MIN_SHARE}),
     * at most once per deadline (the requests of one burst expire together: that is one mistake, not
     * ten), and every one answered in time raises it (up to {@link #MAX_SHARE}) by just so much that
     * raises and cuts balance when {@link #TARGET_MISS_RATE} of the requests miss: (1 - m) x raise =
     * m x CUT x share. A refusal at admission (503) takes the place of a later miss.
     */
    public synchronized double share() {
        return share;
    }

    /** An admitted request with a deadline of {@code deadlineMs} expired before its answer, at {@code nowNanos}. */
    public synchronized void missed(long nowNanos, double deadlineMs) {
        if (nowNanos - lastCutNanos >= deadlineMs * 1e6) {
            share = Math.max(MIN_SHARE, share * (1 - CUT));
            lastCutNanos = nowNanos;
        }
    }

    /** An admitted request with a deadline was answered within it. */
    public synchronized void met() {
        share = Math.min(MAX_SHARE, share + TARGET_MISS_RATE / (1 - TARGET_MISS_RATE) * CUT * share);
    }

    /** Estimated milliseconds {@code subnet} needs for one image (NaN when never measured). */
    public synchronized double estimateMs(String subnet) {
        return serviceMs.getOrDefault(subnet, Double.NaN);
    }

    /**
     * Moves every estimate 2% back towards its profiled value per decision. Without it, a burst
     * that slowed service (and so raised the estimates) could make every later request look
     * hopeless; refused requests bring no new observations, so the estimates would never recover.
     */
    private void relax() {
        profiled.forEach((name, p) -> {
            double now = serviceMs.get(name);
            if (!Double.isNaN(p) && !Double.isNaN(now)) {
                serviceMs.put(name, now + 0.02 * (p - now));
            }
        });
    }

    /** Folds an observed service time of {@code subnet} (one image) into its estimate. */
    public synchronized void observed(String subnet, double ms) {
        double old = serviceMs.getOrDefault(subnet, Double.NaN);
        serviceMs.put(subnet, Double.isNaN(old) ? ms : 0.8 * old + 0.2 * ms);
    }

    public synchronized Map<String, Double> estimates() {
        return new LinkedHashMap<>(serviceMs);
    }
}
