/**
 * Subnet generation on the shared trainer: the progressive subnetwork search (trainable noise
 * ranking, channel-group sampling, Pareto filtering, selective fine-tuning, channel permutation,
 * final joint training), multi-path (group lasso, norm ranking, one cut per training) and
 * single-path (plans frozen at chosen epochs of one run). Running them end to end, and comparing
 * them with the other methods, is {@code io.dialnet.experiment}'s.
 */
package io.dialnet.search;
