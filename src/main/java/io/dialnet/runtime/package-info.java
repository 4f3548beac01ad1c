/**
 * Running a dynamic model: {@link io.dialnet.runtime.DynamicModel} (load, subnets, predict,
 * select) with ONNX Runtime and DJL back ends, and latency profiling. Imports no training code.
 */
package io.dialnet.runtime;
