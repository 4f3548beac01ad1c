/**
 * JMH benchmarks of the run time, run by {@code dialnet bench switch} (or JMH's own main class
 * on the jar). The top layer, beside the command line: it may use everything below it.
 */
package io.dialnet.bench;
