package io.dialnet.serve;

/** A request that cannot be served: its HTTP status and one line naming the problem. */
final class Refusal extends Exception {
    private static final long serialVersionUID = 1L;
    final int status;
    /** A refusal for load (429, or 503 for a deadline no subnet can meet now): its latency is the shedding time. */
    final boolean forLoad;

    Refusal(int status, String message) {
        this(status, message, false);
    }

    private Refusal(int status, String message, boolean forLoad) {
        super(message, null, false, false);
        this.status = status;
        this.forLoad = forLoad;
    }

    /** A refusal because of the load, not the request: counted in {@code dialnet_shed_duration_seconds}. */
    static Refusal forLoad(int status, String message) {
        return new Refusal(status, message, true);
    }
}
