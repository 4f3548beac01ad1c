/**
 * Dialnet: one CNN that holds several nested subnets of different per-layer widths, trained
 * together, so a deployed program can switch between them at run time.
 *
 * <p>The packages are the pipeline's steps, in layers; a package uses only packages of lower
 * layers and this package's helpers ({@link io.dialnet.Json}, {@link io.dialnet.AtomicFiles},
 * {@link io.dialnet.Provenance}, {@link io.dialnet.FormatVersions}, ...), and packages of one layer
 * never use each other ({@code LayeringTest} checks both; docs/ARCHITECTURE.md describes them):
 *
 * <ol>
 *   <li>{@link io.dialnet.data} (readers, splits, loader), {@link io.dialnet.nn} (slimmable layers,
 *       channel plans, MACs, model zoo)
 *   <li>{@link io.dialnet.train} (the shared trainer, its methods, checkpoints),
 *       {@link io.dialnet.artifact} (the dynamic-model file), {@link io.dialnet.export} (ONNX)
 *   <li>{@link io.dialnet.search} (subnet searches), {@link io.dialnet.runtime} (running an
 *       artifact), {@link io.dialnet.interop} (networks trained in PyTorch)
 *   <li>{@link io.dialnet.serve} (HTTP), {@link io.dialnet.report} (tables, plots),
 *       {@link io.dialnet.deploy} (a checkpoint exported as a dynamic model)
 *   <li>{@link io.dialnet.experiment} (training runs, searches and the method comparison),
 *       {@link io.dialnet.bench} (JMH, timing harnesses, the load generator)
 *   <li>{@link io.dialnet.cli} (the command line)
 * </ol>
 */
package io.dialnet;
