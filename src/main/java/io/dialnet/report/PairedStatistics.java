package io.dialnet.report;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import org.apache.commons.math3.distribution.BinomialDistribution;

/**
 * How sure a difference in test accuracy between two arms is, from which test images each got
 * right: a percentile bootstrap over seeds and images (the two arms always resampled together,
 * so the comparison stays paired) and McNemar's exact test on the images one arm got right and
 * the other wrong.
 */
public final class PairedStatistics {
    private PairedStatistics() {}

    /**
     * A difference {@code a - b} in accuracy points.
     *
     * @param mean the mean over seeds of the accuracy difference
     * @param low lower end of the 95 % bootstrap interval
     * @param high upper end
     * @param onlyA images (over all seeds) that {@code a} got right and {@code b} wrong
     * @param onlyB images that {@code b} got right and {@code a} wrong
     * @param mcnemarP two-sided exact McNemar p-value on the pooled discordant pairs
     */
    public record Difference(double mean, double low, double high, long onlyA, long onlyB, double mcnemarP) {}

    /**
     * Compares two arms over the same test images; entry {@code s} of each list is one seed's
     * correctness, image by image.
     */
    public static Difference compare(List<boolean[]> a, List<boolean[]> b, int resamples, long seed) {
        return compareMean(List.of(a), List.of(b), resamples, seed);
    }

    /**
     * The mean over several subnets of their differences: {@code a.get(k).get(s)} is subnet
     * {@code k}'s correctness in seed {@code s}. Subnets share the resampled seeds and images, so
     * the interval accounts for their correlation.
     */
    public static Difference compareMean(List<List<boolean[]>> a, List<List<boolean[]>> b, int resamples, long seed) {
        if (a.size() != b.size() || a.isEmpty()) {
            throw new IllegalArgumentException("paired statistics need the same subnets for both arms");
        }
        int subnets = a.size();
        List<double[]> perSeed = new ArrayList<>();
        long onlyA = 0;
        long onlyB = 0;
        for (int k = 0; k < subnets; k++) {
            Difference one = compareOne(a.get(k), b.get(k), perSeed, subnets);
            onlyA += one.onlyA();
            onlyB += one.onlyB();
        }
        return bootstrap(perSeed, onlyA, onlyB, resamples, seed);
    }

    /** Adds subnet's per-image differences, divided by {@code subnets}, into {@code perSeed}. */
    private static Difference compareOne(List<boolean[]> a, List<boolean[]> b, List<double[]> perSeed, int subnets) {
        if (a.size() != b.size() || a.isEmpty()) {
            throw new IllegalArgumentException(
                    "paired statistics need the same seeds for both arms, got " + a.size() + " and " + b.size());
        }
        if (!perSeed.isEmpty() && perSeed.size() != a.size()) {
            throw new IllegalArgumentException("paired statistics need the same seeds for every subnet");
        }
        int seeds = a.size();
        long onlyA = 0;
        long onlyB = 0;
        for (int s = 0; s < seeds; s++) {
            if (a.get(s).length != b.get(s).length
                    || (perSeed.size() > s && perSeed.get(s).length != a.get(s).length)) {
                throw new IllegalArgumentException("seed " + s + ": " + a.get(s).length + " and " + b.get(s).length
                        + " test images; both arms must be evaluated on the same images");
            }
            int n = a.get(s).length;
            if (perSeed.size() <= s) {
                perSeed.add(new double[n]);
            }
            double[] d = perSeed.get(s);
            for (int i = 0; i < n; i++) {
                int diff = (a.get(s)[i] ? 1 : 0) - (b.get(s)[i] ? 1 : 0);
                d[i] += (double) diff / subnets;
                onlyA += diff > 0 ? 1 : 0;
                onlyB += diff < 0 ? 1 : 0;
            }
        }
        return new Difference(0, 0, 0, onlyA, onlyB, 1);
    }

    /** The mean of per-image differences and its percentile interval, resampling seeds then images. */
    private static Difference bootstrap(List<double[]> perSeed, long onlyA, long onlyB, int resamples, long seed) {
        int seeds = perSeed.size();
        double mean = 0;
        for (double[] d : perSeed) {
            mean += Arrays.stream(d).sum() / d.length / seeds;
        }
        double[] boot = new double[resamples];
        Random random = new Random(seed);
        for (int r = 0; r < resamples; r++) {
            double total = 0;
            for (int k = 0; k < seeds; k++) {
                double[] d = perSeed.get(random.nextInt(seeds));
                double sum = 0;
                for (int i = 0; i < d.length; i++) {
                    sum += d[random.nextInt(d.length)];
                }
                total += sum / d.length;
            }
            boot[r] = total / seeds;
        }
        Arrays.sort(boot);
        return new Difference(
                100 * mean,
                100 * boot[(int) Math.floor(0.025 * (resamples - 1))],
                100 * boot[(int) Math.ceil(0.975 * (resamples - 1))],
                onlyA,
                onlyB,
                mcnemar(onlyA, onlyB));
    }

    /**
     * A p-value for a table: two significant digits, and {@code <1e-12} below that, where the
     * binomial tail's floating-point error (about 1e-14) is no longer small beside it.
     */
    public static String formatP(double p) {
        return p < 1e-12 ? "<1e-12" : String.format(Locale.ROOT, "%.2g", p);
    }

    /** McNemar's exact p of one seed's test images: {@code a} and {@code b} got each image right or not. */
    public static double mcnemar(boolean[] a, boolean[] b) {
        if (a.length != b.length) {
            throw new IllegalArgumentException("paired statistics need the same test images for both arms");
        }
        long onlyA = 0;
        long onlyB = 0;
        for (int i = 0; i < a.length; i++) {
            onlyA += a[i] && !b[i] ? 1 : 0;
            onlyB += b[i] && !a[i] ? 1 : 0;
        }
        return mcnemar(onlyA, onlyB);
    }

    /** Two-sided exact McNemar p-value: under no difference, each discordant pair is a fair coin. */
    static double mcnemar(long onlyA, long onlyB) {
        long n = onlyA + onlyB;
        if (n == 0) {
            return 1;
        }
        BinomialDistribution coin = new BinomialDistribution(null, (int) n, 0.5);
        return Math.min(1, 2 * coin.cumulativeProbability((int) Math.min(onlyA, onlyB)));
    }
}
