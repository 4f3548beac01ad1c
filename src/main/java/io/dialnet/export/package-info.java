/**
 * Compact ONNX graphs of subnets (channels physically removed, BatchNorm folded), written with
 * the ONNX protobuf classes, and the check that ONNX Runtime reproduces the supernet's logits.
 */
package io.dialnet.export;
