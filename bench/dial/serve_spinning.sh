#!/usr/bin/env bash
# Issue 12, ONNX Runtime's thread spinning decided on the server itself: dialnet serve with
# --ort-settings spinning=off and spinning=on, alternately (off, on, off, on), each answering hey
# (an external client) at batch 1: every subnet by name, one request at a time (latency), then the
# default subnet with 4 and 16 requests in flight (throughput). Run with nothing else on the machine.
#   bench/dial/serve_spinning.sh MODEL.dialnet [PORT]
set -euo pipefail
cd "$(dirname "$0")/../.."
model="${1:?usage: serve_spinning.sh MODEL.dialnet [PORT]}"
port="${2:-8391}"
body=$(mktemp)
python3 -c "import struct,sys; sys.stdout.buffer.write(struct.pack('<3072f', *[(i % 7) * 0.1 for i in range(3072)]))" > "$body"
subnets=$(python3 -c "import json,sys,zipfile; print(' '.join(s['name'] for s in json.loads(zipfile.ZipFile(sys.argv[1]).read('manifest.json'))['subnets']))" "$model")
hey_line() { # label, hey args...: p50 and p99 in ms, requests/s
  local label="$1"; shift
  hey -m POST -T application/octet-stream -D "$body" "$@" | awk -v l="$label" '
    /Requests\/sec/ {rps=$2} /50% in/ {p50=$3*1000} /99% in/ {p99=$3*1000}
    /\[200\]/ {ok=$2}
    END {printf "| %s | %.3f | %.3f | %.0f | %s |\n", l, p50, p99, rps, ok}'
}
echo "| set-up | client | p50 ms | p99 ms | requests/s | 200s |"
echo "|---|---|---:|---:|---:|---:|"
for round in 1 2; do
  for spin in off on; do
    java -Dai.djl.offline=true -jar target/dialnet.jar serve --model "$model" --port "$port" --threads 2 \
      --ort-settings "spinning=$spin" > /tmp/serve-spin.log 2>&1 &
    pid=$!
    until curl -sf "http://127.0.0.1:$port/v2/health/ready" > /dev/null; do sleep 0.2; done
    hey -n 500 -c 1 -m POST -T application/octet-stream -D "$body" "http://127.0.0.1:$port/predict" > /dev/null
    for s in $subnets; do
      hey_line "spinning=$spin (round $round) | $s, 1 in flight" -n 3000 -c 1 "http://127.0.0.1:$port/predict?subnet=$s"
    done
    for c in 4 16; do
      hey_line "spinning=$spin (round $round) | default, $c in flight" -n 6000 -c "$c" "http://127.0.0.1:$port/predict"
    done
    kill -TERM "$pid"; wait "$pid" || true
  done
done
rm -f "$body"
