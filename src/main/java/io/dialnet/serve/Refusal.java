package io.dialnet.serve;

/** A request that cannot be served: its HTTP status and one line naming the problem. */
final class Refusal extends Exception {
    private static final long serialVersionUID = 1L;
    final int status;

    Refusal(int status, String message) {
        super(message, null, false, false);
        this.status = status;
    }
}
