/**
 * Tables (text, markdown) of subnets, paired statistics of two sets of predictions, and PNG plots
 * of accuracy against cost (MACs or measured latency). The comparison's own tables are
 * {@code io.dialnet.experiment}'s.
 */
package io.dialnet.report;
