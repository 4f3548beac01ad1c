/**
 * Measurements of this machine, as the {@code bench} commands and {@code loadtest} run them: the
 * switch cost between subnets (JMH, forked, and a paired in-process timing), every subnet's latency
 * per back end and batch size, the dial's speed-up against its MACs reduction, the training step's
 * throughput with and without the loader, and an open-loop HTTP load generator for a running
 * server. Beside {@code experiment}, below the command line: it may use everything below it.
 */
package io.dialnet.bench;
