package io.dialnet.search;

import java.util.ArrayList;
import java.util.List;

/** Subnet filtering (TNNLS, step 2c): keep only what no other subnet beats on both cost and accuracy. */
public final class Pareto {
    private Pareto() {}

    /** A subnet's cost and accuracy. */
    public interface Point {
        double cost();

        double accuracy();
    }

    /** True when {@code a} is at least as cheap and as accurate as {@code b}, and better in one. */
    public static boolean dominates(Point a, Point b) {
        return a.cost() <= b.cost() && a.accuracy() >= b.accuracy()
                && (a.cost() < b.cost() || a.accuracy() > b.accuracy());
    }

    /** The candidates dominated neither by another candidate nor by any of {@code accepted}. */
    public static <T extends Point> List<T> nonDominated(List<T> candidates, List<? extends Point> accepted) {
        List<T> kept = new ArrayList<>();
        for (T c : candidates) {
            boolean dominated = accepted.stream().anyMatch(a -> dominates(a, c))
                    || candidates.stream().anyMatch(o -> o != c && dominates(o, c));
            if (!dominated) {
                kept.add(c);
            }
        }
        return kept;
    }
}
