package io.dialnet.train;

/**
 * What a method spent, by phase, in multiply-accumulates x images, forward and backward passes
 * counted: a training step costs about three forward passes (the forward pass, the gradients of
 * the activations, the gradients of the weights), a noise-ranking step two (its weights are
 * frozen, so no weight gradients), BatchNorm calibration and evaluation one. Evaluation counts
 * only the validation passes a method uses to decide (a search choosing among candidates), not
 * the reporting of results.
 *
 * @param training training steps
 * @param ranking ranking of channel groups (the progressive search's noise ranking)
 * @param calibration BatchNorm calibration passes
 * @param evaluation validation passes that decide something
 * @param seconds wall time of all of it
 */
public record Compute(double training, double ranking, double calibration, double evaluation, double seconds) {
    public static final Compute NONE = new Compute(0, 0, 0, 0, 0);
    /** Forward-pass equivalents of one training step (forward + both backward halves). */
    public static final int TRAINING_PASSES = 3;
    /** Forward-pass equivalents of one noise-ranking step (forward + gradients of activations only). */
    public static final int RANKING_PASSES = 2;

    /** A training run's training steps and, for methods that calibrate afterwards, its calibration. */
    public static Compute of(TrainResult run) {
        return new Compute(
                TRAINING_PASSES * run.trainingCompute(), 0, run.calibrationCompute(), 0, run.trainingSeconds());
    }

    /** Noise-ranking steps over {@code images} images of a subnet of {@code macs}. */
    public static Compute ranking(long images, long macs, double seconds) {
        return new Compute(0, RANKING_PASSES * (double) images * macs, 0, 0, seconds);
    }

    /** Forward passes of a subnet of {@code macs} over {@code images} images, to calibrate or to decide. */
    public static Compute forward(long images, long macs, boolean calibrating, double seconds) {
        double cost = (double) images * macs;
        return calibrating ? new Compute(0, 0, cost, 0, seconds) : new Compute(0, 0, 0, cost, seconds);
    }

    public Compute plus(Compute other) {
        return new Compute(
                training + other.training,
                ranking + other.ranking,
                calibration + other.calibration,
                evaluation + other.evaluation,
                seconds + other.seconds);
    }

    /** Every phase together. */
    public double total() {
        return training + ranking + calibration + evaluation;
    }
}
