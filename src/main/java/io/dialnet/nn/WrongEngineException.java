package io.dialnet.nn;

/**
 * The engine's native convolution gave wrong values on this CPU ({@link ConvolutionCheck}): nothing
 * it trains or evaluates can be trusted, so the command stops before it starts.
 */
public final class WrongEngineException extends IllegalStateException {
    private final String finding;
    private final String advice;
    private final boolean capped;

    WrongEngineException(String finding, String advice, boolean capped) {
        super(finding + advice);
        this.finding = finding;
        this.advice = advice;
        this.capped = capped;
    }

    /** What was wrong, without the advice: the CPU and each wrong case with its largest error. */
    public String finding() {
        return finding;
    }

    /**
     * Whether {@link ConvolutionCheck#ISA_CAP_VARIABLE} was already set when the check failed; if not,
     * the same command may run correctly in a new process with {@link ConvolutionCheck#SAFE_ISA_CAP}.
     */
    public boolean capped() {
        return capped;
    }

    /** The same failure, thrown again from the caller's stack. */
    WrongEngineException again() {
        return new WrongEngineException(finding, advice, capped);
    }
}
