package io.dialnet.serve;

import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One admitted inference request on its way through the queue. It is answered exactly once:
 * by a worker (logits or a failure), by its timer (deadline or request timeout) or by its
 * connection closing, whichever comes first; the others find it answered and drop it.
 */
final class Job {
    /** Receives the single answer: logits with status 200, or a status and an error line. */
    interface Answer {
        void answer(Job job, float[] logits, int status, String error);
    }

    final float[] input;
    final int batch;
    final String subnet;
    /** When the request's first byte arrived (System.nanoTime). */
    final long startNanos;
    /** Absolute deadline (System.nanoTime), {@link Long#MAX_VALUE} when the request has none. */
    final long deadlineNanos;

    final Double deadlineMs;
    /** Estimated microseconds of work, counted in the queue's backlog while it waits. */
    long costMicros;

    volatile ScheduledFuture<?> timer;
    private final Answer answer;
    private final AtomicBoolean answered = new AtomicBoolean();

    Job(float[] input, int batch, String subnet, long startNanos, Double deadlineMs, Answer answer) {
        this.input = input;
        this.batch = batch;
        this.subnet = subnet;
        this.startNanos = startNanos;
        this.deadlineMs = deadlineMs;
        this.deadlineNanos = deadlineMs == null ? Long.MAX_VALUE : startNanos + (long) (deadlineMs * 1e6);
        this.answer = answer;
    }

    boolean answered() {
        return answered.get();
    }

    /** Marks it answered without answering (its connection is gone); false if it was answered already. */
    boolean abandon() {
        return answered.compareAndSet(false, true);
    }

    boolean succeed(float[] logits) {
        if (!answered.compareAndSet(false, true)) {
            return false;
        }
        answer.answer(this, logits, 200, null);
        return true;
    }

    boolean fail(int status, String error) {
        if (!answered.compareAndSet(false, true)) {
            return false;
        }
        answer.answer(this, null, status, error);
        return true;
    }
}
