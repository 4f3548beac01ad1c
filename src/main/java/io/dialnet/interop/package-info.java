/**
 * Networks trained in PyTorch as Dialnet checkpoints: tensors read from ONNX (exported with
 * BatchNorm kept) or safetensors (torchvision names), mapped by a small name table per
 * architecture, checked by shape, and the result checked against ONNX Runtime on the user's file.
 */
package io.dialnet.interop;
