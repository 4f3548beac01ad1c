#!/usr/bin/python3
"""Trains a CIFAR ResNet in PyTorch (Debian's python3-torch, CPU) for the import cross-check of
docs/RESULTS.md: data_batch_1..4 train, data_batch_5 is the held-out set; writes NAME.onnx
(BatchNorm kept) and NAME.f32.safetensors and prints the held-out top-1 accuracy PyTorch measures.

    /usr/bin/python3 src/test/resources/import/train_cifar.py --data DIR --out OUT --epochs 4
"""
import argparse
import math
import os
import sys
import time

import numpy as np
import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from make_fixtures import export_onnx, model, write_safetensors  # noqa: E402

MEAN = torch.tensor([0.4914, 0.4822, 0.4465]).view(1, 3, 1, 1)
STD = torch.tensor([0.2470, 0.2435, 0.2616]).view(1, 3, 1, 1)


def load(path):
    raw = np.fromfile(path, dtype=np.uint8).reshape(-1, 3073)
    return torch.from_numpy(raw[:, 1:].reshape(-1, 3, 32, 32).copy()), torch.from_numpy(raw[:, 0].astype(np.int64))


def normalise(x):
    return (x.float() / 255 - MEAN) / STD


def augment(x):
    padded = F.pad(x, (4, 4, 4, 4))
    out = torch.empty_like(x)
    for i in range(x.shape[0]):
        dx, dy = np.random.randint(0, 9, 2)
        img = padded[i, :, dy:dy + 32, dx:dx + 32]
        out[i] = img.flip(2) if np.random.rand() < 0.5 else img
    return out


def accuracy(net, x, y):
    net.eval()
    correct = 0
    with torch.no_grad():
        for i in range(0, len(x), 500):
            correct += (net(normalise(x[i:i + 500])).argmax(1) == y[i:i + 500]).sum().item()
    return correct / len(x)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--data", required=True)
    p.add_argument("--out", required=True)
    p.add_argument("--model", default="resnet20")
    p.add_argument("--epochs", type=int, default=4)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--train-images", type=int, default=40000, help="the first N of data_batch_1..4")
    args = p.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    np.random.seed(0)
    parts = [load(os.path.join(args.data, "data_batch_%d.bin" % i)) for i in range(1, 5)]
    x, y = torch.cat([a for a, _ in parts]), torch.cat([b for _, b in parts])
    x, y = x[:args.train_images], y[:args.train_images]
    xv, yv = load(os.path.join(args.data, "data_batch_5.bin"))
    net, _ = model(args.model)
    decay = [q for n, q in net.named_parameters() if q.dim() > 1]
    rest = [q for n, q in net.named_parameters() if q.dim() <= 1]
    opt = torch.optim.SGD([{"params": decay, "weight_decay": 5e-4}, {"params": rest, "weight_decay": 0}],
                          lr=0.1, momentum=0.9, nesterov=True)
    steps = args.epochs * (len(x) // 128)
    sched = torch.optim.lr_scheduler.LambdaLR(opt, lambda s: 0.5 * (1 + math.cos(math.pi * s / steps)))
    for epoch in range(args.epochs):
        net.train()
        order = torch.randperm(len(x))
        start = time.time()
        for i in range(len(x) // 128):
            idx = order[i * 128:(i + 1) * 128]
            loss = F.cross_entropy(net(normalise(augment(x[idx]))), y[idx])
            opt.zero_grad()
            loss.backward()
            opt.step()
            sched.step()
            if i % 50 == 0:
                print("  step %d: loss %.3f, %.1f images/s" % (i, loss.item(), (i + 1) * 128 / (time.time() - start)),
                      flush=True)
        print("epoch %d: loss %.3f, %.0f s, held-out accuracy %.4f" % (epoch + 1, loss.item(), time.time() - start,
                                                                       accuracy(net, xv, yv)), flush=True)
    net.eval()
    os.makedirs(args.out, exist_ok=True)
    write_safetensors(os.path.join(args.out, args.model + ".f32.safetensors"), net.state_dict())
    export_onnx(net, 32, os.path.join(args.out, args.model + ".onnx"))
    print("PyTorch held-out (data_batch_5) top-1: %.4f" % accuracy(net, xv, yv))


if __name__ == "__main__":
    main()
