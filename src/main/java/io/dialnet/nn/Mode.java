package io.dialnet.nn;

/** What a forward pass is for; it decides which BatchNorm statistics are read or written. */
public enum Mode {
    /** Normalise with batch statistics; update the plan's running statistics if it has any. */
    TRAIN,
    /** Normalise with the plan's running statistics; nothing is updated. */
    EVAL,
    /** Normalise with batch statistics and fold them into the plan's cumulative average. */
    CALIBRATE
}
