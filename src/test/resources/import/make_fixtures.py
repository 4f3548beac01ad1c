#!/usr/bin/python3
"""Test fixtures of `dialnet import`: PyTorch ResNets written as safetensors and ONNX.

Needs only Debian's python3-torch (no torchvision, no onnx, no safetensors package):

    /usr/bin/python3 src/test/resources/import/make_fixtures.py --out src/test/resources/import
    /usr/bin/python3 src/test/resources/import/make_fixtures.py --out /tmp/r18 --model resnet18

The modules below reproduce torchvision's ResNet layout and parameter names (conv1, bn1,
layerS.B.{conv1,bn1,conv2,bn2,downsample.0,downsample.1}, fc) and, for the CIFAR ResNets, the
layout of Dialnet's resnet20/32/56 (nn/zoo/ResNet.java): a 3x3 stem of 16 channels, stages of
16/32/64, and a 1x1 convolution + BatchNorm shortcut wherever a stage changes width or size.

Weights are seeded, BatchNorm scale/shift perturbed and running statistics estimated on random
inputs (so BatchNorm is not the identity and a swapped tensor shows), then every tensor is
rounded to bfloat16 precision: the BF16 safetensors then hold exactly the float32 values of the
ONNX file, and the ONNX file compresses to about half (committed gzipped).
"""
import argparse
import gzip
import json
import os
import struct

import torch
import torch.nn as nn
import torch.nn.functional as F


class BasicBlock(nn.Module):
    def __init__(self, cin, cout, stride):
        super().__init__()
        self.conv1 = nn.Conv2d(cin, cout, 3, stride, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(cout)
        self.conv2 = nn.Conv2d(cout, cout, 3, 1, 1, bias=False)
        self.bn2 = nn.BatchNorm2d(cout)
        self.downsample = None
        if stride != 1 or cin != cout:
            self.downsample = nn.Sequential(nn.Conv2d(cin, cout, 1, stride, bias=False), nn.BatchNorm2d(cout))

    def forward(self, x):
        y = F.relu(self.bn1(self.conv1(x)))
        y = self.bn2(self.conv2(y))
        return F.relu(y + (x if self.downsample is None else self.downsample(x)))


class ResNet(nn.Module):
    def __init__(self, widths, depths, imagenet, classes):
        super().__init__()
        self.imagenet = imagenet
        self.conv1 = nn.Conv2d(3, widths[0], 7 if imagenet else 3, 2 if imagenet else 1, 3 if imagenet else 1,
                               bias=False)
        self.bn1 = nn.BatchNorm2d(widths[0])
        cin = widths[0]
        for s, (w, d) in enumerate(zip(widths, depths)):
            blocks = []
            for b in range(d):
                blocks.append(BasicBlock(cin, w, 2 if s > 0 and b == 0 else 1))
                cin = w
            setattr(self, "layer%d" % (s + 1), nn.Sequential(*blocks))
        self.stages = len(widths)
        self.fc = nn.Linear(cin, classes)

    def forward(self, x):
        x = F.relu(self.bn1(self.conv1(x)))
        if self.imagenet:
            x = F.max_pool2d(x, 3, 2, 1)
        for s in range(self.stages):
            x = getattr(self, "layer%d" % (s + 1))(x)
        return self.fc(torch.flatten(F.adaptive_avg_pool2d(x, 1), 1))


def model(name):
    if name == "resnet18":
        return ResNet([64, 128, 256, 512], [2, 2, 2, 2], True, 1000), 224
    n = {"resnet20": 3, "resnet32": 5, "resnet56": 9}[name]
    return ResNet([16, 32, 64], [n, n, n], False, 10), 32


def realistic(net, size, seed):
    """Seeded weights, BatchNorm not the identity, running statistics from random inputs; bf16-exact."""
    torch.manual_seed(seed)
    for m in net.modules():
        if isinstance(m, nn.Conv2d):
            nn.init.kaiming_normal_(m.weight, mode="fan_out", nonlinearity="relu")
        if isinstance(m, nn.BatchNorm2d):
            nn.init.uniform_(m.weight, 0.5, 1.5)
            nn.init.normal_(m.bias, 0, 0.1)
            m.momentum = None  # cumulative average over the batches below
    net.train()
    with torch.no_grad():
        for _ in range(8):
            net(torch.randn(16, 3, size, size))
        for t in list(net.parameters()) + list(net.buffers()):
            if t.is_floating_point():
                t.copy_(t.to(torch.bfloat16).to(torch.float32))
    return net.eval()


def write_safetensors(path, tensors):
    """The safetensors layout, by hand: 8-byte little-endian header length, JSON header, raw data."""
    codes = {torch.float32: "F32", torch.float16: "F16", torch.bfloat16: "BF16", torch.int64: "I64"}
    header, blobs, offset = {}, [], 0
    for name, t in tensors.items():
        t = t.contiguous()
        raw = t.view(torch.int16).numpy().tobytes() if t.dtype == torch.bfloat16 else t.numpy().tobytes()
        header[name] = {"dtype": codes[t.dtype], "shape": list(t.shape), "data_offsets": [offset, offset + len(raw)]}
        blobs.append(raw)
        offset += len(raw)
    text = json.dumps(header).encode()
    text += b" " * ((8 - len(text) % 8) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)))
        f.write(text)
        for b in blobs:
            f.write(b)


def export_onnx(net, size, path):
    torch.onnx.export(net, torch.randn(1, 3, size, size), path, training=torch.onnx.TrainingMode.PRESERVE,
                      do_constant_folding=False, input_names=["input"], output_names=["logits"],
                      dynamic_axes={"input": {0: "batch"}, "logits": {0: "batch"}}, opset_version=13)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", required=True)
    parser.add_argument("--model", default="resnet20")
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--dtype", default="bf16", choices=["f32", "f16", "bf16"])
    parser.add_argument("--gzip-onnx", action="store_true", help="write NAME.onnx.gz instead of NAME.onnx")
    args = parser.parse_args()
    os.makedirs(args.out, exist_ok=True)
    net, size = model(args.model)
    realistic(net, size, args.seed)
    dtype = {"f32": torch.float32, "f16": torch.float16, "bf16": torch.bfloat16}[args.dtype]
    state = {k: (v.to(dtype) if v.is_floating_point() else v) for k, v in net.state_dict().items()}
    write_safetensors(os.path.join(args.out, "%s.%s.safetensors" % (args.model, args.dtype)), state)
    onnx = os.path.join(args.out, args.model + ".onnx")
    export_onnx(net, size, onnx)
    if args.gzip_onnx:
        with open(onnx, "rb") as f, gzip.open(onnx + ".gz", "wb", 9) as g:
            g.write(f.read())
        os.remove(onnx)
    # PyTorch's own logits on two seeded inputs: what the imported network must reproduce.
    torch.manual_seed(args.seed + 1)
    x = torch.randn(2, 3, size, size)
    with torch.no_grad():
        write_safetensors(os.path.join(args.out, args.model + ".check.safetensors"), {"input": x, "logits": net(x)})


if __name__ == "__main__":
    main()
