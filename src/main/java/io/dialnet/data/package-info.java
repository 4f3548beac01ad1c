/**
 * Data: CIFAR-10 binary batches, IDX (MNIST, Fashion-MNIST) and class-folder readers into
 * in-memory byte images; seeded validation splits; per-channel normalisation; augmentation; and a
 * background loader that assembles float batches while the engine computes. Knows nothing of the
 * engine or the network.
 */
package io.dialnet.data;
