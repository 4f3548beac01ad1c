#!/usr/bin/env python3
"""Writes the fuzz tests' seed corpora (small valid and nearly valid inputs) next to this script's
siblings: src/test/resources/io/dialnet/<package>/<Test>Inputs/<method>/. Run from the repo root:
    python3 src/test/resources/fuzz/make_seeds.py
"""
import io, json, os, struct, zipfile

root = "src/test/resources/io/dialnet"

def put(pkg, test, method, name, data):
    d = os.path.join(root, pkg, test + "Inputs", method)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, name), "wb") as f:
        f.write(data)

def safetensors(header, payload):
    h = json.dumps(header).encode()
    return struct.pack("<Q", len(h)) + h + payload

floats = struct.pack("<4f", 1, 2, 3, 4)
valid = safetensors({"w": {"dtype": "F32", "shape": [2, 2], "data_offsets": [0, 16]}}, floats)
put("artifact", "ArtifactParsersFuzzTest", "safetensors", "valid", valid)
put("artifact", "ArtifactParsersFuzzTest", "safetensors", "truncated", valid[:-3])
put("artifact", "ArtifactParsersFuzzTest", "safetensors", "string-shape",
    safetensors({"w": {"dtype": "F32", "shape": ["2", 2], "data_offsets": [0, 16]}}, floats))
put("artifact", "ArtifactParsersFuzzTest", "safetensors", "negative-shape",
    safetensors({"w": {"dtype": "F32", "shape": [-2, -2], "data_offsets": [0, 16]}}, floats))

def zipped(entries):
    b = io.BytesIO()
    with zipfile.ZipFile(b, "w") as z:
        for name, data in entries.items():
            z.writestr(name, data)
    return b.getvalue()

manifest = {"format": 1, "model": {"architecture": "cnn", "inputChannels": 1, "inputSize": 28, "classes": 10,
            "groupSize": 4}, "couplingSets": [], "norms": [], "tensors": {"w": [2, 2]}, "subnets": [],
            "normalization": {"mean": [0.5], "std": [0.25]}, "provenance": {}}
put("artifact", "ArtifactParsersFuzzTest", "dynamicModelFile", "manifest-and-weights",
    zipped({"manifest.json": json.dumps(manifest), "weights.safetensors": valid}))
put("artifact", "ArtifactParsersFuzzTest", "dynamicModelFile", "no-weights", zipped({"manifest.json": "{}"}))

idx_images = struct.pack(">IIII", 0x803, 2, 2, 2) + bytes(range(8))
idx_labels = struct.pack(">II", 0x801, 2) + bytes([0, 1])
put("data", "DataParsersFuzzTest", "idx", "valid", struct.pack(">H", len(idx_images)) + idx_images + idx_labels)
negative = struct.pack(">IIii", 0x803, 2, -2, 2)
put("data", "DataParsersFuzzTest", "idx", "negative-rows", struct.pack(">H", len(negative)) + negative + idx_labels)
record = bytes([3]) + bytes(3072)
put("data", "DataParsersFuzzTest", "cifar", "two-records", record * 2)
put("data", "DataParsersFuzzTest", "cifar", "bad-label", bytes([200]) + bytes(3072))

checkpoint_manifest = {"format": 1, "spec": manifest["model"], "config": {"strategy": "individual", "epochs": 1},
                       "progress": {"epochsDone": 1}}
put("train", "CheckpointFuzzTest", "manifest", "manifest-only", zipped({"manifest.json": json.dumps(checkpoint_manifest)}))
put("train", "CheckpointFuzzTest", "manifest", "not-a-zip", b"PK\x03\x04 truncated")
