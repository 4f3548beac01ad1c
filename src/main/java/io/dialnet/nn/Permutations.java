package io.dialnet.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import java.util.Arrays;

/**
 * Reordering of channels in place. Done on the Java side (copy out, permute, copy back): it
 * happens once per accepted subnet on weights of a few MB, so clarity beats a gather kernel.
 */
final class Permutations {
    private Permutations() {}

    /** Reorders {@code array} along {@code axis} so that new index {@code i} holds old index {@code order[i]}. */
    static void permuteAxis(NDArray array, int axis, int[] order) {
        Shape shape = array.getShape();
        if (shape.get(axis) != order.length) {
            throw new IllegalArgumentException(
                    "permutation of " + order.length + " entries for axis " + axis + " of shape " + shape);
        }
        long outer = 1;
        for (int d = 0; d < axis; d++) {
            outer *= shape.get(d);
        }
        long inner = 1;
        for (int d = axis + 1; d < shape.dimension(); d++) {
            inner *= shape.get(d);
        }
        float[] from = array.toFloatArray();
        float[] to = new float[from.length];
        int n = order.length;
        int block = (int) inner;
        for (long o = 0; o < outer; o++) {
            int base = (int) (o * n * inner);
            for (int i = 0; i < n; i++) {
                System.arraycopy(from, base + order[i] * block, to, base + i * block, block);
            }
        }
        Engines.fill(array, to);
    }

    /** The permutation of {@code blockSize}-long blocks: channel order expanded to flattened features. */
    static int[] blocks(int[] order, int blockSize) {
        int[] expanded = new int[order.length * blockSize];
        for (int i = 0; i < order.length; i++) {
            for (int k = 0; k < blockSize; k++) {
                expanded[i * blockSize + k] = order[i] * blockSize + k;
            }
        }
        return expanded;
    }

    /** The first {@code c} entries of {@code order}, which must be a permutation of {@code 0..c-1}. */
    static int[] prefix(int[] order, int c, String where) {
        int[] p = Arrays.copyOf(order, c);
        for (int v : p) {
            if (v >= c) {
                throw new IllegalArgumentException(where + ": the permutation moves channel " + v + " into the first "
                        + c + ", which a registered subnet uses; permute within it only");
            }
        }
        return p;
    }

    /** Checks that {@code order} is a permutation of {@code 0..n-1}. */
    static void check(int[] order, int n, String where) {
        boolean[] seen = new boolean[n];
        if (order.length != n) {
            throw new IllegalArgumentException(
                    where + ": a permutation of " + n + " channels has " + order.length + " entries");
        }
        for (int v : order) {
            if (v < 0 || v >= n || seen[v]) {
                throw new IllegalArgumentException(where + ": not a permutation (entry " + v + ")");
            }
            seen[v] = true;
        }
    }
}
