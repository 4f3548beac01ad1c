/**
 * Serving a dynamic model over HTTP: a bounded queue in front of inference workers, a controller
 * that picks the most accurate subnet whose predicted latency meets each request's deadline, and
 * Prometheus metrics. Imports no training code.
 */
package io.dialnet.serve;
