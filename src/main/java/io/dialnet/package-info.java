/**
 * Dialnet: one CNN that holds several nested subnets of different per-layer widths, trained
 * together, so a deployed program can switch between them at run time.
 *
 * <p>The packages follow the pipeline, and a lower one never imports a higher one:
 * {@link io.dialnet.data} (readers, splits, loader) &rarr; {@link io.dialnet.nn} (slimmable layers,
 * channel plans, MACs, model zoo) &rarr; {@link io.dialnet.train} (the shared trainer and its
 * methods) &rarr; {@link io.dialnet.report} (tables, plots) &rarr; {@link io.dialnet.cli}.
 */
package io.dialnet;
