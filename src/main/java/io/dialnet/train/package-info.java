/**
 * Training: one {@link io.dialnet.train.Trainer} (SGD with Nesterov momentum, weight decay,
 * cosine schedule with warm-up, label smoothing, seeded) shared by every
 * {@link io.dialnet.train.Method}; methods differ only in their {@link io.dialnet.train.Sampler}
 * and BatchNorm treatment. Validation and BN calibration live in
 * {@link io.dialnet.train.Evaluation}; checkpoints are atomic and resumable.
 */
package io.dialnet.train;
