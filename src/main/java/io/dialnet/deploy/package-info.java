/**
 * From a trained checkpoint to what is deployed: the dynamic-model artifact of a run, its subnets
 * evaluated on the recorded data, each with a compact ONNX graph checked against the supernet and
 * timed on ONNX Runtime, and subnets that are not faster than a larger one left out. It joins
 * training ({@code train}), the file format ({@code artifact}), ONNX export ({@code export}) and
 * the run time ({@code runtime}), so it sits above all four.
 */
package io.dialnet.deploy;
