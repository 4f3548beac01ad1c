package io.dialnet.search;

import java.util.Random;

/**
 * A way of choosing which coupling set loses its least important kept group next (TNNLS, step 2b).
 * Different rules give different candidates for the same target; filtering then picks among them.
 */
public enum CutRule {
    /** Global rank with per-layer normalisation: importance divided by its set's mean importance. */
    GLOBAL,
    /** Global rank weighted by cost: normalised importance per MAC saved, so cheap groups go last. */
    MACS_WEIGHTED,
    /** The same fraction of groups from every set. */
    UNIFORM,
    /** Like GLOBAL, with importances perturbed by log-normal noise (random tie-breaking). */
    RANDOM;

    /**
     * Index of the set to cut next, or -1 when every set is down to one group.
     *
     * @param importance per set, importances of its active groups, most important first
     * @param kept per set, groups kept so far
     * @param active per set, groups active in the plan being cut
     * @param macsSaved per set, MACs saved by cutting one more group of it now
     * @param jitter per set and group, the perturbation of RANDOM (ignored by other rules)
     */
    int next(double[][] importance, int[] kept, int[] active, long[] macsSaved, double[][] jitter) {
        int best = -1;
        double bestScore = Double.POSITIVE_INFINITY;
        for (int s = 0; s < kept.length; s++) {
            if (kept[s] <= 1) {
                continue;
            }
            double score = switch (this) {
                case GLOBAL -> normalised(importance[s], kept[s] - 1);
                case RANDOM -> normalised(importance[s], kept[s] - 1) * jitter[s][kept[s] - 1];
                case MACS_WEIGHTED -> normalised(importance[s], kept[s] - 1) / Math.max(1, macsSaved[s]);
                case UNIFORM -> -(double) kept[s] / active[s];
            };
            if (score < bestScore) {
                bestScore = score;
                best = s;
            }
        }
        return best;
    }

    private static double normalised(double[] importance, int group) {
        double mean = 0;
        for (double v : importance) {
            mean += v;
        }
        mean /= importance.length;
        return importance[group] / mean;
    }

    /** Log-normal multipliers for RANDOM (sigma 0.3), one per group. */
    static double[][] jitter(double[][] importance, Random random) {
        double[][] j = new double[importance.length][];
        for (int s = 0; s < importance.length; s++) {
            j[s] = new double[importance[s].length];
            for (int g = 0; g < j[s].length; g++) {
                j[s][g] = Math.exp(0.3 * random.nextGaussian());
            }
        }
        return j;
    }
}
