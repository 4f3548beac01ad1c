"""Issue 11: dialnet serve against Triton's own Python HTTP client (tritonclient.http, BSD-3), a
client no one here wrote. Not shipped with Dialnet: run it from a checkout of
github.com/triton-inference-server/client with Debian's python3-geventhttpclient,
python3-rapidjson and python3-numpy:

    PYTHONPATH=CLIENT_CHECKOUT/src/python/library /usr/bin/python3 bench/serve/triton_client.py \
        127.0.0.1:8080 MODEL_NAME

It checks health, metadata, every subnet as a version, JSON and binary tensors both ways, the
deadline parameter, a UINT8 batch, and that refusals reach the client as InferenceServerException
with the server's message; it prints one line per check and exits 1 on the first failure.
"""
import struct
import sys
import zlib

import numpy as np
import tritonclient.http as httpclient
from tritonclient.utils import InferenceServerException

url, model = sys.argv[1], sys.argv[2]
client = httpclient.InferenceServerClient(url=url, concurrency=4)


def check(name, condition, detail=""):
    print(("ok   " if condition else "FAIL ") + name + (": " + str(detail) if detail else ""))
    if not condition:
        sys.exit(1)


check("server live", client.is_server_live())
check("server ready", client.is_server_ready())
check("model ready", client.is_model_ready(model))
server = client.get_server_metadata()
check("server metadata", "name" in server and "extensions" in server, server)
meta = client.get_model_metadata(model)
versions = meta["versions"]
check("model metadata names the subnets as versions", len(versions) >= 2, versions)
shape = meta["inputs"][0]["shape"]
c, h, w = (int(d) for d in shape[1:])
rng = np.random.default_rng(0)
images = rng.standard_normal((2, c, h, w)).astype(np.float32)


def infer(binary_in, binary_out, version="", parameters=None, data=images, datatype="FP32"):
    tensor = httpclient.InferInput("input", list(data.shape), datatype)
    tensor.set_data_from_numpy(data, binary_data=binary_in)
    output = httpclient.InferRequestedOutput("logits", binary_data=binary_out)
    return client.infer(model, [tensor], model_version=version, outputs=[output], parameters=parameters)


reference = None
for binary_in in (False, True):
    for binary_out in (False, True):
        result = infer(binary_in, binary_out)
        logits = result.as_numpy("logits")
        check(f"infer, binary input {binary_in}, binary output {binary_out}",
              logits is not None and logits.shape[0] == 2 and np.isfinite(logits).all(),
              None if logits is None else logits.shape)
        if reference is None:
            reference = logits
        else:
            check("  same logits as JSON both ways", np.allclose(logits, reference, atol=1e-5),
                  float(np.abs(logits - reference).max()))

for version in versions:
    result = infer(True, True, version=version)
    check(f"version {version}", result.get_response()["model_version"] == version,
          result.get_response()["model_version"])

result = infer(True, True, parameters={"deadline_ms": 50})
check("deadline_ms parameter: a subnet chosen", result.get_response()["model_version"] in versions,
      result.get_response()["model_version"])

pixels = rng.integers(0, 256, (3, c, h, w), dtype=np.uint8)
result = infer(True, True, data=pixels, datatype="UINT8")
check("UINT8 pixels, batch 3", result.as_numpy("logits").shape[0] == 3)



def png(width, height, seed):
    """An RGB PNG written by hand (zlib and CRC only), so the check needs no imaging library."""
    rows = np.random.default_rng(seed).integers(0, 256, (height, width * 3), dtype=np.uint8)
    raw = b"".join(b"\x00" + row.tobytes() for row in rows)

    def chunk(kind, body):
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b"")


encoded = np.array([png(w + 8, h + 4, 1), png(w * 2, h * 2, 2)], dtype=np.object_)
# (the client sends raw bytes only with the binary extension; in JSON it sends UTF-8 strings)
result = infer(True, True, data=encoded, datatype="BYTES")
check("BYTES: two encoded PNGs of other sizes", result.as_numpy("logits").shape[0] == 2)

try:
    infer(True, True, version="no-such-subnet")
    check("unknown version refused", False)
except InferenceServerException as e:
    check("unknown version refused with the server's message", "no-such-subnet" in str(e), e)

try:
    infer(False, False, data=images[:, :, :, : w - 1])
    check("wrong shape refused", False)
except InferenceServerException as e:
    check("wrong shape refused with the server's message", "shape" in str(e), e)

try:
    infer(True, True, parameters={"deadline_ms": -5})
    check("negative deadline refused", False)
except InferenceServerException as e:
    check("negative deadline refused with the server's message", "deadline_ms" in str(e), e)

client.close()
print("all checks passed")
