package io.dialnet.train;

/** The loss became NaN or infinite; the usual cure is a lower learning rate or more warm-up. */
public class TrainingDivergedException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public TrainingDivergedException(int epoch, int step, double learningRate) {
        super(String.format(
                "training diverged (loss is not finite) at epoch %d, step %d, learning rate %.4g; "
                        + "lower --lr or add --warmup-epochs",
                epoch, step, learningRate));
    }
}
