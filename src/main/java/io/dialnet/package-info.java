/**
 * Dialnet: one CNN that holds several nested subnets of different per-layer widths, trained
 * together, so a deployed program can switch between them at run time.
 *
 * <p>The packages follow the pipeline, and a lower one never imports a higher one (packages on
 * one layer stay independent; {@code LayeringTest} checks both): {@link io.dialnet.data} (readers,
 * splits, loader) and {@link io.dialnet.nn} (slimmable layers, channel plans, MACs, model zoo)
 * &rarr; {@link io.dialnet.train} (the shared trainer and its methods), {@link io.dialnet.artifact}
 * (the dynamic-model file) and {@link io.dialnet.export} (ONNX graphs) &rarr;
 * {@link io.dialnet.search}, {@link io.dialnet.runtime} and {@link io.dialnet.interop} &rarr;
 * {@link io.dialnet.serve}, {@link io.dialnet.report} and {@link io.dialnet.deploy} &rarr;
 * {@link io.dialnet.experiment} and {@link io.dialnet.bench} &rarr; {@link io.dialnet.cli}.
 */
package io.dialnet;
