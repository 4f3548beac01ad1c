package io.dialnet.search;

import java.util.Random;

/**
 * A way of choosing which coupling set loses its least important kept group next (TNNLS, step 2b).
 * Different rules give different candidates for the same target; filtering then picks among them.
 *
 * <p>The rules compare importances across coupling sets as they are: the noise ranking makes
 * them comparable (every scale is relative to its group's own spread, and sets written at several
 * points share their scale among the points, see {@link NoiseRanking}). Dividing each set's
 * scores by the set's own mean, as {@link #PER_SET} does, would cut the set with the widest
 * internal spread rather than the least important groups; it is kept for rankings whose scale
 * differs between layers (weight norms), not used by default.
 */
public enum CutRule {
    /** Global rank: the least important group of the whole network goes first. */
    GLOBAL,
    /** Global rank per MAC saved: importance divided by the MACs one more cut of its set saves. */
    MACS_WEIGHTED,
    /** The same fraction of groups from every set. */
    UNIFORM,
    /** Like GLOBAL, with importances perturbed by log-normal noise (random tie-breaking). */
    RANDOM,
    /** Global rank of importances divided by their set's mean (per-layer normalisation). */
    PER_SET;

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
            double weakest = importance[s][kept[s] - 1];
            double score = switch (this) {
                case GLOBAL -> weakest;
                case RANDOM -> weakest * jitter[s][kept[s] - 1];
                case MACS_WEIGHTED -> weakest / Math.max(1, macsSaved[s]);
                case UNIFORM -> -(double) kept[s] / active[s];
                case PER_SET -> weakest / mean(importance[s]);
            };
            if (score < bestScore) {
                bestScore = score;
                best = s;
            }
        }
        return best;
    }

    private static double mean(double[] importance) {
        double sum = 0;
        for (double v : importance) {
            sum += v;
        }
        return sum / importance.length;
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
