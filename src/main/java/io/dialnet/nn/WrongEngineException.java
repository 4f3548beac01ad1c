package io.dialnet.nn;

/**
 * The engine's native convolution gave wrong values on this CPU ({@link ConvolutionCheck}), even under
 * the cap Dialnet sets itself where it can: nothing it trains or evaluates can be trusted, so the
 * command stops before it starts.
 */
public final class WrongEngineException extends IllegalStateException {
    WrongEngineException(String message) {
        super(message);
    }

    /** The same failure, thrown again from the caller's stack. */
    WrongEngineException again() {
        return new WrongEngineException(getMessage());
    }
}
