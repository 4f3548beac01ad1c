package io.dialnet.data;

import java.util.Arrays;
import java.util.Random;

/**
 * A training set and a validation set carved from it with a fixed seed. Every choice (early
 * stopping, subnet filtering, calibration) uses the validation part; the test set is only reported.
 */
public record Split(ImageSet train, ImageSet validation) {

    /** Holds out {@code validationSize} images chosen by a seeded shuffle. */
    public static Split carve(ImageSet all, int validationSize, long seed) {
        if (validationSize < 0 || validationSize >= all.size()) {
            throw new IllegalArgumentException("validation size " + validationSize + " must be in [0, " + all.size()
                    + ") for a data set of " + all.size() + " images");
        }
        int[] order = permutation(all.size(), new Random(seed));
        int[] val = new int[validationSize];
        int[] train = new int[all.size() - validationSize];
        System.arraycopy(order, 0, val, 0, validationSize);
        System.arraycopy(order, validationSize, train, 0, train.length);
        Arrays.sort(val);
        Arrays.sort(train);
        return new Split(all.subset(train), validationSize == 0 ? null : all.subset(val));
    }

    /** A uniformly random permutation of {@code 0..n-1} (Fisher-Yates). */
    public static int[] permutation(int n, Random random) {
        int[] p = new int[n];
        for (int i = 0; i < n; i++) {
            p[i] = i;
        }
        for (int i = n - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = p[i];
            p[i] = p[j];
            p[j] = t;
        }
        return p;
    }
}
