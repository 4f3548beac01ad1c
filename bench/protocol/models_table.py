#!/usr/bin/env python3
"""Writes models/README.md from the shipped models' manifests (issue 10): one row per subnet, with the
accuracies the protocol measured on its held-out split and the latency export measured.

    python3 bench/protocol/models_table.py      (from the repository root)
"""
import glob
import json
import os
import zipfile

HEAD = """# Shipped models

Seed 0 of the protocol run (docs/RESULTS.md, "The protocol"): ResNet-20 trained on CIFAR-10's training
batches with 5,000 images held out as the test set and 4,500 as validation, 15 epochs, channel groups of 4.
Each file is a dynamic model (`dialnet export`): the shared weights, one ONNX graph per subnet and the
manifest (accuracies, MACs, measured latency, normalisation, provenance). Methods are named as `compare`
names them: `uniform` is US-Nets, `progressive` the progressive search, `joint`, `multipath` and
`singlepath` the other arms (docs/RESULTS.md); a method's file appears when its arm of the run has finished.
Serve one without training:

```
./dialnet serve --model models/resnet20-cifar10-uniform.dialnet
curl -s -X POST 'localhost:8080/predict?deadline_ms=5' -H 'Content-Type: image/png' --data-binary @cat.png
```

Latency is ONNX Runtime's p50 as export measured it on the machine named below, 2 threads; measure
your own with `dialnet bench latency --model FILE`. Export times a file's subnets together, in turns, on a
quiet machine, and ships only subnets at least 3 % faster than every larger one at batch 1 and 64
(docs/BENCHMARKS.md sections 9 and 10): the protocol's groups of 4 are not this CPU's SIMD block, so a
subnet may be missing here that the arm's results list (12/24/48 is no faster than the full width).
For the same reason these subnets gain less speed than MACs (8/16/32: a quarter of the MACs, about half the time at batch 64): the
group of 4 was fixed when the protocol was registered, before the dial work showed that groups of the
SIMD block (16 here, `dialnet train`'s default now) keep the speed-up within 0.87-1.00x of the MACs
reduction.

| file | method | subnet | channels per stage (or plan) | MACs | test acc. | validation | p50 b1 | p50 b64 | size |
|---|---|---|---|---:|---:|---:|---:|---:|---:|
"""


def plan_text(channels):
    """Per stage (16/32/64) where every coupling set of a stage has one width, else the whole plan."""
    # ResNet-20 with groups of 4: 12 coupling sets, 4 per stage
    stages = [channels[i:i + len(channels) // 3] for i in range(0, len(channels), max(1, len(channels) // 3))]
    if len(channels) % 3 == 0 and all(len(set(st)) == 1 for st in stages):
        return "/".join(str(st[0]) for st in stages)
    return ",".join(str(c) for c in channels)


def main():
    rows = []
    machines = set()
    warnings = []
    for path in sorted(glob.glob("models/*.dialnet")):
        with zipfile.ZipFile(path) as z:
            m = json.loads(z.read("manifest.json"))
        # the method as compare names it, from the file name (a search's provenance names its final training)
        method = os.path.basename(path)[len("resnet20-cifar10-"):-len(".dialnet")]
        size = f"{os.path.getsize(path) / 1e6:.2f} MB"
        if "latency_warning" in m.get("provenance", {}):
            warnings.append(f"{os.path.basename(path)}: {m['provenance']['latency_warning']}.")
        for s in m["subnets"]:
            p50 = {l["batchSize"]: l["p50"] for l in s["latency"] if l["backend"] == "onnxruntime"}
            machines.update(l["device"] for l in s["latency"])
            rows.append(
                f"| {os.path.basename(path)} | {method} | {s['name']} | {plan_text(s['channels'])} "
                f"| {s['macs'] / 1e6:.2f}M | {100 * s['testAccuracy']:.2f}% | {100 * s['validationAccuracy']:.2f}% "
                f"| {p50.get(1, float('nan')):.3f} ms | {p50.get(64, float('nan')):.2f} ms | {size} |")
    text = HEAD + "\n".join(rows) + "\n\nLatency measured on: " + ", ".join(sorted(machines)) + ".\n"
    text += "".join("\n**Not trusted:** " + w + "\n" for w in warnings)
    with open("models/README.md.tmp", "w") as f:
        f.write(text)
    os.replace("models/README.md.tmp", "models/README.md")


if __name__ == "__main__":
    main()
