/**
 * The dynamic-model artifact: one versioned zip of {@code manifest.json}, {@code
 * weights.safetensors} and optional compact ONNX graphs per subnet; written atomically and
 * validated on load. Reading it needs no training code and no engine.
 */
package io.dialnet.artifact;
