package io.dialnet.nn;

/** A channel plan that a network cannot run: wrong length, too wide, or not in whole groups. */
public class InvalidPlanException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    public InvalidPlanException(String message) {
        super(message);
    }
}
