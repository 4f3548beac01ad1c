package io.dialnet.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Weight slices kept across passes when weights no longer change (serving): each view of a
 * weight at given lengths is taken once, then reused by every pass of every thread, so running a
 * subnet costs no slicing calls. Views share memory with the weights; nothing is copied.
 */
public final class SliceCache {
    private final NDManager owner;
    private final Map<Key, NDArray> views = new ConcurrentHashMap<>();

    /** Views live in a sub-manager of {@code parent} and are freed with it. */
    public SliceCache(NDManager parent) {
        this.owner = parent.newSubManager();
    }

    /** A weight (by identity) and the leading lengths taken from it. */
    private record Key(NDArray full, int[] lengths) {
        @Override
        public boolean equals(Object o) {
            return o instanceof Key k && k.full == full && Arrays.equals(k.lengths, lengths);
        }

        @Override
        public int hashCode() {
            return 31 * System.identityHashCode(full) + Arrays.hashCode(lengths);
        }
    }

    NDArray view(NDArray full, int[] lengths) {
        return views.computeIfAbsent(new Key(full, lengths.clone()), k -> {
            NDIndex index = new NDIndex();
            for (int length : lengths) {
                index.addSliceDim(0, length);
            }
            NDArray view = full.get(index);
            view.attach(owner);
            return view;
        });
    }

    public int size() {
        return views.size();
    }
}
