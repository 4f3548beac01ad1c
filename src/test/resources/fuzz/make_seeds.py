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
            z.writestr(zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0)), data)  # same bytes at every run
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

# ---- issue 14: the artifact manifest alone, image folders, the server's request parsing ----

import base64, zlib

def png(width, height, grey=True):
    """A valid 8-bit PNG (grey or RGB) of a gradient, written by hand (no imaging library needed)."""
    channels = 1 if grey else 3
    rows = b"".join(b"\x00" + bytes(((x + y) * 16 + c * 40) % 256 for x in range(width) for c in range(channels))
                    for y in range(height))
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xffffffff)
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 0 if grey else 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b"")

def bomb(width, height):
    """A decompression bomb: a PNG of about a hundred bytes whose header claims width x height grey pixels
    (one row of pixel data follows). Decoders must refuse it from the header (issue 14)."""
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xffffffff)
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(b"\x00" * (width + 1), 9))
            + chunk(b"IEND", b""))

# An 8x8 baseline JPEG written by Java's ImageIO.
JPEG = base64.b64decode("/9j/4AAQSkZJRgABAgAAAQABAAD/2wBDAAgGBgcGBQgHBwcJCQgKDBQNDAsLDBkSEw8UHRofHh0aHBwgJC4nICIsIxwcKDcpLDAxNDQ0Hyc5PTgyPC4zNDL/2wBDAQkJCQwLDBgNDRgyIRwhMjIyMjIyMjIyMjIyMjIyMjIyMjIyMjIyMjIyMjIyMjIyMjIyMjIyMjIyMjIyMjIyMjL/wAARCAAIAAgDASIAAhEBAxEB/8QAHwAAAQUBAQEBAQEAAAAAAAAAAAECAwQFBgcICQoL/8QAtRAAAgEDAwIEAwUFBAQAAAF9AQIDAAQRBRIhMUEGE1FhByJxFDKBkaEII0KxwRVS0fAkM2JyggkKFhcYGRolJicoKSo0NTY3ODk6Q0RFRkdISUpTVFVWV1hZWmNkZWZnaGlqc3R1dnd4eXqDhIWGh4iJipKTlJWWl5iZmqKjpKWmp6ipqrKztLW2t7i5usLDxMXGx8jJytLT1NXW19jZ2uHi4+Tl5ufo6erx8vP09fb3+Pn6/8QAHwEAAwEBAQEBAQEBAQAAAAAAAAECAwQFBgcICQoL/8QAtREAAgECBAQDBAcFBAQAAQJ3AAECAxEEBSExBhJBUQdhcRMiMoEIFEKRobHBCSMzUvAVYnLRChYkNOEl8RcYGRomJygpKjU2Nzg5OkNERUZHSElKU1RVVldYWVpjZGVmZ2hpanN0dXZ3eHl6goOEhYaHiImKkpOUlZaXmJmaoqOkpaanqKmqsrO0tba3uLm6wsPExcbHyMnK0tPU1dbX2Nna4uPk5ebn6Onq8vP09fb3+Pn6/9oADAMBAAIRAxEAPwCjoXgb7v7r9KKKK4MVmOI9o9TbIs2xX1OPvH//2Q==")

frozen = "src/test/resources/frozen/artifact-v1.dialnet"
if os.path.exists(frozen):
    with zipfile.ZipFile(frozen) as z:
        put("artifact", "ArtifactParsersFuzzTest", "manifest", "frozen-v1", z.read("manifest.json"))
put("artifact", "ArtifactParsersFuzzTest", "manifest", "small", json.dumps(manifest).encode())
put("artifact", "ArtifactParsersFuzzTest", "manifest", "format-only", b'{"format": 1}')
put("artifact", "ArtifactParsersFuzzTest", "manifest", "future", b'{"format": 2}')
one_subnet = dict(manifest, couplingSets=[{"name": "c1", "channels": 8, "groupSize": 4}],
                  norms=[{"name": "c1.bn", "set": 0}], tensors={"c1.weight": [8, 1, 3, 3]},
                  subnets=[{"name": "w1.00", "channels": [8], "macs": 10, "params": 72, "validationAccuracy": 0.5,
                            "testAccuracy": None, "latency": [{"backend": "onnxruntime", "device": "x", "batchSize": 1,
                                                               "threads": 1, "p50": 0.1, "p90": 0.2, "p99": 0.3}]},
                           {"name": "w0.50", "channels": [4], "macs": 5, "params": 36, "validationAccuracy": 0.4,
                            "testAccuracy": 0.4, "latency": []}])
put("artifact", "ArtifactParsersFuzzTest", "manifest", "two-subnets", json.dumps(one_subnet).encode())

def entry(name, content):
    name = name.encode()
    return bytes([len(name)]) + name + struct.pack(">H", len(content)) + content

grey8, colour8 = png(8, 8), png(12, 9, grey=False)
put("data", "DataParsersFuzzTest", "imageFolder", "two-classes",
    b"\x00" + entry("cat/a.png", grey8) + entry("dog/b.png", colour8) + entry("dog/deep/c.jpg", JPEG))
put("data", "DataParsersFuzzTest", "imageFolder", "skip-bad",
    b"\x01" + entry("a/x.png", grey8) + entry("b/y.png", grey8[:40]) + entry("b/z.jpeg", JPEG[:100])
    + entry("b/.hidden.png", b"junk") + entry("b/notes.txt", b"hello"))
put("data", "DataParsersFuzzTest", "imageFolder", "bomb",
    b"\x00" + entry("a/x.png", grey8) + entry("b/huge.png", bomb(60000, 60000)))
put("data", "DataParsersFuzzTest", "imageFolder", "bomb-skipped",
    b"\x01" + entry("a/x.png", grey8) + entry("b/y.png", grey8) + entry("b/huge.png", bomb(60000, 60000)))
put("data", "DataParsersFuzzTest", "imageFolder", "one-class", b"\x00" + entry("only/a.png", grey8))
put("data", "DataParsersFuzzTest", "imageFolder", "empty-classes", b"\x00" + entry("a/", b"") + entry("b/", b""))

floats64 = [round(0.01 * i - 0.3, 3) for i in range(64)]
put("serve", "RequestsFuzzTest", "predictJson", "input", json.dumps({"input": floats64, "batch": 1}).encode())
put("serve", "RequestsFuzzTest", "predictJson", "input-deadline",
    json.dumps({"input": floats64 * 2, "batch": 2, "deadline_ms": 5.5, "subnet": "w1.00"}).encode())
put("serve", "RequestsFuzzTest", "predictJson", "image",
    json.dumps({"image": base64.b64encode(grey8).decode(), "deadline_ms": 20}).encode())
put("serve", "RequestsFuzzTest", "predictJson", "images",
    json.dumps({"image": [base64.b64encode(colour8).decode(), base64.b64encode(JPEG).decode()]}).encode())
put("serve", "RequestsFuzzTest", "predictJson", "bad-batch", b'{"input": [1.5], "batch": 1.5}')

raw64 = struct.pack("<64f", *floats64)
put("serve", "RequestsFuzzTest", "predict", "raw",
    b"application/octet-stream\n/predict?batch=1&deadline_ms=5\n" + raw64)
put("serve", "RequestsFuzzTest", "predict", "raw-twice", b"application/octet-stream\n/predict?batch=1&batch=2\n" + raw64)
put("serve", "RequestsFuzzTest", "predict", "png", b"image/png\n/predict?subnet=w1.00\n" + grey8)
put("serve", "RequestsFuzzTest", "predict", "jpeg", b"image/jpeg\n/predict?deadline_ms=20\n" + JPEG)
put("serve", "RequestsFuzzTest", "predict", "json", b"application/json\n/predict\n" + json.dumps({"input": floats64}).encode())
put("serve", "RequestsFuzzTest", "predict", "form", b"application/x-www-form-urlencoded\n/predict?x=%41\n{}")

def v2(header, version, body):
    return header.encode() + b"\n" + version.encode() + b"\n" + body

fp32 = {"inputs": [{"name": "input", "shape": [1, 1, 8, 8], "datatype": "FP32", "data": floats64}],
        "parameters": {"deadline_ms": 10}, "id": "r1"}
put("serve", "RequestsFuzzTest", "v2", "fp32", v2("", "", json.dumps(fp32).encode()))
uint8 = {"inputs": [{"name": "input", "shape": [1, 1, 8, 8], "datatype": "UINT8", "data": [[list(range(8))] * 8]}],
         "outputs": [{"name": "logits", "parameters": {"binary_data": True}}]}
put("serve", "RequestsFuzzTest", "v2", "uint8-nested", v2("", "w1.00", json.dumps(uint8).encode()))
binary_header = json.dumps({"inputs": [{"name": "input", "shape": [1, 1, 8, 8], "datatype": "FP32",
                                        "parameters": {"binary_data_size": 256}}]}).encode()
put("serve", "RequestsFuzzTest", "v2", "fp32-binary", v2(str(len(binary_header)), "", binary_header + raw64))
bytes_header = json.dumps({"inputs": [{"name": "input", "shape": [1], "datatype": "BYTES",
                                       "parameters": {"binary_data_size": 4 + len(grey8)}}]}).encode()
put("serve", "RequestsFuzzTest", "v2", "bytes-binary",
    v2(str(len(bytes_header)), "", bytes_header + struct.pack("<I", len(grey8)) + grey8))
put("serve", "RequestsFuzzTest", "v2", "bytes-base64",
    v2("", "", json.dumps({"inputs": [{"name": "input", "shape": [1, 1], "datatype": "BYTES",
                                        "data": [[base64.b64encode(JPEG).decode()]]}]}).encode()))
put("serve", "RequestsFuzzTest", "v2", "header-not-a-number", v2("12x", "", b"{}"))

put("serve", "RequestsFuzzTest", "image", "png-grey", grey8)
put("serve", "RequestsFuzzTest", "image", "png-colour", colour8)
put("serve", "RequestsFuzzTest", "image", "jpeg", JPEG)
put("serve", "RequestsFuzzTest", "image", "png-truncated", colour8[:-20])
put("serve", "RequestsFuzzTest", "image", "png-bomb", bomb(60000, 60000))
