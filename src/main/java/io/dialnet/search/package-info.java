/**
 * Subnet generation on the shared trainer: the progressive subnetwork search (trainable noise
 * ranking, channel-group sampling, Pareto filtering, selective fine-tuning, channel permutation,
 * final joint training), multi-path (group lasso, norm ranking, one cut per training) and
 * single-path (plans frozen at chosen epochs of one run), and the comparison of all methods.
 */
package io.dialnet.search;
