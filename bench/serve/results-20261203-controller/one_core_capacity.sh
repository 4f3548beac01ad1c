#!/usr/bin/env bash
# One-core server (core 1) against wrk on core 0: requests/s, client p50/p99 and server-side mean
# latency at 1, 8 and 64 connections. SERVE_OPTS adds serve options (e.g. --max-batch 1).
M=/work/serve-models/r20.dialnet; url=http://127.0.0.1:8092
cat > /tmp/aimd/post.lua <<'L'
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/octet-stream"
local f = io.open("/tmp/aimd/img.f32", "rb"); wrk.body = f:read("*a"); f:close()
L
taskset -c 1 /tmp/wt-aimd/dialnet serve --model $M --port 8092 --threads 1 ${SERVE_OPTS:-} > /tmp/aimd/probe-serve.log 2>&1 &
s=$!
until curl -sf $url/v2/health/ready >/dev/null; do sleep 0.2; done
taskset -c 0 wrk -t1 -c4 -d3s -s /tmp/aimd/post.lua "$url/predict?subnet=w1.00" > /dev/null
for c in 1 8 64; do
  b=$(curl -s $url/metrics | grep 'duration_seconds_sum{subnet="w1.00"' | awk '{print $2}'); bc0=$(curl -s $url/metrics | grep 'duration_seconds_count{subnet="w1.00"' | awk '{print $2}')
  r=$(taskset -c 0 wrk -t1 -c$c -d5s --latency -s /tmp/aimd/post.lua "$url/predict?subnet=w1.00" | grep -E "Requests/sec|50%|99%" | tr -s ' ' | tr '\n' ' ')
  a=$(curl -s $url/metrics | grep 'duration_seconds_sum{subnet="w1.00"' | awk '{print $2}'); ac=$(curl -s $url/metrics | grep 'duration_seconds_count{subnet="w1.00"' | awk '{print $2}')
  echo "c=$c $r server mean $(echo "scale=3; ($a - $b) * 1000 / ($ac - $bc0)" | bc) ms"
done
kill $s; wait $s 2>/dev/null
