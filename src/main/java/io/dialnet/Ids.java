package io.dialnet;

import java.util.Arrays;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The one lookup behind the enums that the command line and files name by an id (strategies,
 * search methods, comparison arms): each keeps its own id and its own complaint.
 */
public final class Ids {
    private Ids() {}

    /** The value of {@code values} whose {@code id} is {@code name}, else an error: {@code complaint} and the ids. */
    public static <E> E lookup(E[] values, Function<E, String> id, String name, Supplier<String> complaint) {
        for (E v : values) {
            if (id.apply(v).equals(name)) {
                return v;
            }
        }
        throw new IllegalArgumentException(complaint.get() + "; known: " + known(values, id));
    }

    /** Every id of {@code values}, comma-separated, in declaration order. */
    public static <E> String known(E[] values, Function<E, String> id) {
        return String.join(", ", Arrays.stream(values).map(id).toList());
    }
}
