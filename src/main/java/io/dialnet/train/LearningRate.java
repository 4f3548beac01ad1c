package io.dialnet.train;

/** Linear warm-up then cosine decay to 0, evaluated per step. */
public record LearningRate(double peak, long warmupSteps, long totalSteps) {

    public double at(long step) {
        if (step < warmupSteps) {
            return peak * (step + 1) / warmupSteps;
        }
        double progress = (double) (step - warmupSteps) / Math.max(1, totalSteps - warmupSteps);
        return peak * 0.5 * (1 + Math.cos(Math.PI * Math.min(1, progress)));
    }
}
