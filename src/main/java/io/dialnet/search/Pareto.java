package io.dialnet.search;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

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
        return a.cost() <= b.cost()
                && a.accuracy() >= b.accuracy()
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

    /**
     * The candidate to accept: among those neither another candidate nor an accepted subnet
     * dominates, the cheapest within {@code marginPoints} accuracy points of the most accurate.
     * Empty when every candidate is dominated: such a subnet would add nothing to the dial (an
     * accepted subnet is as fast and as accurate), so none is accepted for this target.
     */
    public static <T extends Point> Optional<T> choose(
            List<T> candidates, List<? extends Point> accepted, double marginPoints) {
        List<T> kept = nonDominated(candidates, accepted);
        double best = kept.stream().mapToDouble(Point::accuracy).max().orElse(Double.NaN);
        return kept.stream()
                .filter(c -> c.accuracy() >= best - marginPoints / 100 - 1e-12)
                .min(Comparator.comparingDouble(Point::cost)
                        .thenComparing(
                                Comparator.comparingDouble(Point::accuracy).reversed()));
    }
}
