package io.dialnet.runtime;

import io.dialnet.artifact.Manifest;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The promise of the dial: every smaller subnet is faster. Along the subnets, largest first, a
 * subnet whose median latency is not at least {@link #MIN_GAIN} below that of the last subnet
 * kept, at every measured batch size, would let a controller pay accuracy for no speed; it is
 * reported and (unless asked otherwise) not shipped.
 */
public final class DialCheck {
    /**
     * How much faster a smaller subnet must be: 3 %. Less is within the run-to-run spread of a
     * ratio of two subnets timed together on the development machine (1-8 % at batch 1,
     * docs/BENCHMARKS.md section 10), so a strict "faster" shipped the same 12/24/48 plan in one
     * file and dropped it in another (0.99 and 1.12 of the full width at batch 1).
     */
    public static final double MIN_GAIN = 0.03;

    private DialCheck() {}

    /**
     * What the check found.
     *
     * @param shipped the subnets that keep the promise (or all, when slower ones are kept)
     * @param problems one line per subnet that is not {@link #MIN_GAIN} faster than a larger one
     */
    public record Verdict(List<Manifest.SubnetEntry> shipped, List<String> problems) {}

    /** Checks {@code largestFirst} (each with ONNX Runtime latencies); {@code keepSlower} ships every subnet anyway. */
    public static Verdict check(List<Manifest.SubnetEntry> largestFirst, boolean keepSlower) {
        List<Manifest.SubnetEntry> shipped = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        Manifest.SubnetEntry last = null;
        for (Manifest.SubnetEntry s : largestFirst) {
            String slower = last == null ? null : notFaster(s, last);
            if (slower != null) {
                problems.add(s.name() + " (" + s.macs() + " MACs) is not " + Math.round(100 * MIN_GAIN)
                        + "% faster than " + last.name() + " ("
                        + last.macs() + " MACs): " + slower + (keepSlower ? "; kept as asked" : "; not shipped"));
                if (!keepSlower) {
                    continue;
                }
            }
            shipped.add(s);
            last = s;
        }
        return new Verdict(shipped, problems);
    }

    /** Where {@code s} is not {@link #MIN_GAIN} faster than {@code larger}, in words; {@code null} if it is. */
    private static String notFaster(Manifest.SubnetEntry s, Manifest.SubnetEntry larger) {
        Map<Integer, Double> mine = medians(s);
        Map<Integer, Double> theirs = medians(larger);
        List<String> where = new ArrayList<>();
        mine.forEach((batch, ms) -> {
            Double other = theirs.get(batch);
            if (other != null && ms > other * (1 - MIN_GAIN)) {
                where.add(String.format(Locale.ROOT, "%.3f ms vs %.3f ms at batch %d", ms, other, batch));
            }
        });
        return where.isEmpty() ? null : String.join(", ", where);
    }

    private static Map<Integer, Double> medians(Manifest.SubnetEntry s) {
        Map<Integer, Double> byBatch = new TreeMap<>();
        for (Manifest.Latency l : s.latency()) {
            if (l.backend().equals("onnxruntime")) {
                byBatch.put(l.batchSize(), l.p50());
            }
        }
        return byBatch;
    }
}
