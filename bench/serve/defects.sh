#!/usr/bin/env bash
# Replays the defects of issue 11 against a running server (old or new) with curl, hey and
# promtool, printing one line per check: the status or number seen. Usage:
#   bench/serve/defects.sh PORT
set -uo pipefail
port=$1; url="http://127.0.0.1:$port"; here=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
python3 -c "import json; print(json.dumps({'input': [0.1] * 3072}))" > "$tmp/ok.json"
python3 -c "import json; print(json.dumps({'input': [1e39] + [0.1] * 3071}))" > "$tmp/huge.json"
python3 -c "import json; print(json.dumps({'input': [0.1] * 3072, 'batch': 'abc'}))" > "$tmp/batch.json"
python3 -c "import json; print(json.dumps({'input': [0.1] * 3072, 'deadline_ms': -5}))" > "$tmp/neg.json"
python3 -c "import json; print(json.dumps({'input': [0.1] * 3072, 'deadline_ms': [5]}))" > "$tmp/arr.json"
code() { curl -s -o /dev/null -w '%{http_code}' "$@"; }
echo "POST /predict/extra (prefix path):     $(code -X POST -H 'Content-Type: application/json' --data-binary @"$tmp/ok.json" "$url/predict/extra")"
echo "POST /metrics (wrong method):          $(code -X POST -d '{}' "$url/metrics")"
echo "input 1e39 (non-finite as float32):    $(code -X POST -H 'Content-Type: application/json' --data-binary @"$tmp/huge.json" "$url/predict")"
echo "batch \"abc\":                           $(code -X POST -H 'Content-Type: application/json' --data-binary @"$tmp/batch.json" "$url/predict")"
echo "deadline_ms -5:                        $(code -X POST -H 'Content-Type: application/json' --data-binary @"$tmp/neg.json" "$url/predict")"
echo "deadline_ms [5]:                       $(code -X POST -H 'Content-Type: application/json' --data-binary @"$tmp/arr.json" "$url/predict")"
curl -s "$url/metrics" > "$tmp/metrics.txt"
echo "promtool check metrics:                $(promtool check metrics < "$tmp/metrics.txt" 2>&1 | wc -l) complaint line(s)"
python3 -c "import struct,sys; sys.stdout.buffer.write(struct.pack('<3072f', *[0.1] * 3072))" > "$tmp/img.f32"
hey -n 200 -c 1 -m POST -T application/octet-stream -D "$tmp/img.f32" "$url/predict" > "$tmp/hey.txt" 2>&1
echo "keep-alive p50, one client:            $(grep -E '50% in' "$tmp/hey.txt" | awk '{print $3 * 1000 " ms"}')"
python3 "$here/slow_clients.py" "$port" 0 80 6 > /dev/null 2>&1 &
holder=$!; sleep 2
echo "normal request with 80 slow clients:   $(code -X POST -H 'Content-Type: application/json' --data-binary @"$tmp/ok.json" "$url/predict")"
wait $holder
