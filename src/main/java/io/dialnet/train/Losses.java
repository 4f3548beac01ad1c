package io.dialnet.train;

import ai.djl.ndarray.NDArray;

/** The two losses every method uses: cross-entropy with labels, and with a teacher's soft output. */
public final class Losses {
    private Losses() {}

    /**
     * Mean cross-entropy of {@code logits [N, K]} against integer {@code labels [N]}, with label
     * smoothing {@code epsilon} (the target puts 1 - epsilon on the label and epsilon spread evenly).
     */
    public static NDArray crossEntropy(NDArray logits, NDArray labels, double epsilon) {
        NDArray logp = logits.logSoftmax(1);
        NDArray nll = logp.mul(labels.oneHot((int) logits.getShape().get(1)))
                .sum(new int[] {1})
                .neg();
        if (epsilon > 0) {
            nll = nll.mul(1 - epsilon).sub(logp.mean(new int[] {1}).mul(epsilon));
        }
        return nll.mean();
    }

    /**
     * Mean cross-entropy of {@code logits} against a teacher's probabilities {@code target}; it
     * differs from KL(target || student) by the teacher's entropy, a constant, so the gradients
     * are those of in-place distillation. {@code target} must already be detached.
     */
    public static NDArray softCrossEntropy(NDArray logits, NDArray target) {
        return logits.logSoftmax(1).mul(target).sum(new int[] {1}).neg().mean();
    }
}
