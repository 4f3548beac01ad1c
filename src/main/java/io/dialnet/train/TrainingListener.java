package io.dialnet.train;

import java.nio.file.Path;

/** Follows a training run, e.g. to draw a progress bar or log its notices. Every method has a no-op default. */
public interface TrainingListener {
    TrainingListener NONE = new TrainingListener() {};

    /** Called when a run continues from {@code checkpoint} after {@code epochsDone} epochs. */
    default void resumed(Path checkpoint, int epochsDone) {}

    /** Called once; {@code firstEpoch} is 1-based and greater than 1 when resuming. */
    default void started(int firstEpoch, int epochs, int stepsPerEpoch) {}

    /** After each optimiser step, with the running mean loss and throughput of the epoch. */
    default void stepped(int epoch, int stepInEpoch, double loss, double imagesPerSecond) {}

    /** After each epoch, once its checkpoint (if any) is safely written. */
    default void epochEnded(EpochMetrics metrics) {}

    /** Something the user should know about the run, in one sentence (e.g. a measurement not to trust). */
    default void notice(String message) {}
}
