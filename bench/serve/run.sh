#!/usr/bin/env bash
# The serving benchmark of issue 11 (docs/BENCHMARKS.md, section 7), with Debian's hey as the
# load generator. Usage:
#   bench/serve/run.sh MODEL OUT SECTION...
# SECTION: ort | overhead | ratio | keepalive | capacity | overload | sigterm | slow | all. MODEL is a dynamic model
# (dialnet export) whose batch-1 latency was measured (dialnet bench latency), so the deadline
# controller starts from measured service times. Results go to OUT/*.json[l] and OUT/*.txt.
# Environment: PORT (8091), THREADS (ORT intra-op threads, 2), FULL (w1.00), DEADLINE_MS (20),
# SECONDS_PER_RUN (10), CAPACITY (req/s of the pinned full model; measured by `capacity` if unset),
# SERVER_CPUS and CLIENT_CPUS (taskset CPU lists: the server and the load generators on separate
# cores, so the generator's own time stays out of the server's latency; unset = no pinning),
# SERVE_OPTS (more `dialnet serve` options for every server, e.g. "--compute-nice 10"), GEN (the overload's
# generator: hey, the default, or h2load from Debian's nghttp2-client, which takes less of the shared cores).
set -euo pipefail
model=$(realpath "$1"); out=$(realpath -m "$2"); shift 2
here=$(cd "$(dirname "$0")" && pwd); root=$(cd "$here/../.." && pwd)
port=${PORT:-8091}; threads=${THREADS:-2}; full=${FULL:-w1.00}; deadline=${DEADLINE_MS:-20}
secs=${SECONDS_PER_RUN:-10}
mkdir -p "$out"
url="http://127.0.0.1:$port"
body="$out/image.f32"
# one CIFAR-sized image of raw little-endian float32
python3 -c "import struct,sys; sys.stdout.buffer.write(struct.pack('<3072f', *[((i % 7) - 3) * 0.3 for i in range(3072)]))" > "$body"

# the clients, on CLIENT_CPUS when given
on_client_cpus() { if [ -n "${CLIENT_CPUS:-}" ]; then taskset -c "$CLIENT_CPUS" "$@"; else "$@"; fi; }
hey() { on_client_cpus "$(type -P hey)" "$@"; }
wrk() { on_client_cpus "$(type -P wrk)" "$@"; }

serve() { # serve EXTRA_OPTIONS...: starts the server (on SERVER_CPUS when given), waits until ready
  ${SERVER_CPUS:+taskset -c "$SERVER_CPUS"} "$root/dialnet" serve --model "$model" --port "$port" --threads "$threads" ${SERVE_OPTS:-} "$@" > "$out/serve.log" 2>&1 &
  server=$!
  for _ in $(seq 1 600); do
    curl -sf "$url/v2/health/ready" > /dev/null 2>&1 && return 0
    kill -0 "$server" 2> /dev/null || { cat "$out/serve.log"; return 1; }
    sleep 0.1
  done
  echo "server not ready"; return 1
}
stop() { kill -TERM "$server" 2> /dev/null || true; wait "$server" 2> /dev/null || true; }
metric() { curl -s "$url/metrics" | grep "^$1" || true; }
summarize() { # summarize CSV SENT START END LABEL: one JSON line (summarize.py), 200s past the deadline counted
  DEADLINE_MS="$deadline" python3 "$here/summarize.py" "$1" "$2" "$(echo "$4 - $3" | bc)" "$5"
}
hey_csv() { # hey_csv LABEL N CONCURRENCY QPS_PER_WORKER QUERY: one run, summarised
  local label=$1 n=$2 c=$3 q=$4 query=$5 start end
  start=$(date +%s.%N)
  hey -n "$n" -c "$c" ${q:+-q "$q"} -m POST -T application/octet-stream -D "$body" -o csv \
      "$url/predict?$query" > "$out/$label.csv" 2> "$out/$label.err" || true
  end=$(date +%s.%N)
  summarize "$out/$label.csv" "$n" "$start" "$end" "$label"
}

keepalive() { # one kept-alive client, batch 1: the server's latency against bare ONNX Runtime's
  serve --max-batch 1
  for s in $full w0.25; do
    hey -n 300 -c 1 -m POST -T application/octet-stream -D "$body" "$url/predict?subnet=$s" > /dev/null 2>&1
    hey_csv "keepalive-$s" 3000 1 "" "subnet=$s"
  done | tee "$out/keepalive.jsonl"
  stop
}

ort() { # ONNX Runtime alone, batch 1, as the server's one worker calls it (and two single-threaded workers)
  for s in $full w0.25; do
    ${SERVER_CPUS:+taskset -c "$SERVER_CPUS"} java -Dai.djl.offline=true -cp "$root/target/dialnet.jar:$root/target/lib/*" "$here/OrtThroughput.java" \
        "$model" "$s" 5 1 "$threads"
  done | tee "$out/ort.jsonl"
  ${SERVER_CPUS:+taskset -c "$SERVER_CPUS"} java -Dai.djl.offline=true -cp "$root/target/dialnet.jar:$root/target/lib/*" "$here/OrtThroughput.java" \
      "$model" "$full" 5 2 1 | tee -a "$out/ort.jsonl"
}

overhead() { # one kept-alive client (wrk -c1), batch 1, against ONNX Runtime alone, interleaved 3 times
  : > "$out/overhead.txt"
  serve --max-batch 1
  for s in $full w0.25; do
    BODY="$body" wrk -t1 -c1 -d2s -s "$here/post.lua" "$url/predict?subnet=$s" > /dev/null
    for round in 1 2 3; do
      ${SERVER_CPUS:+taskset -c "$SERVER_CPUS"} java -Dai.djl.offline=true -cp "$root/target/dialnet.jar:$root/target/lib/*" "$here/OrtThroughput.java" \
          "$model" "$s" 4 1 "$threads" | tee -a "$out/overhead.txt"
      echo "server $s wrk -c1: $(BODY="$body" wrk -t1 -c1 -d6s --latency -s "$here/post.lua" \
          "$url/predict?subnet=$s" | grep -E 'Requests/sec|50%|90%|99%' | tr -s ' \n' ' ')" | tee -a "$out/overhead.txt"
    done
  done
  stop
}

ratio() { # batch-1 capacity against ONNX Runtime's own throughput, interleaved 3 times (wrk: lighter than hey)
  : > "$out/ratio.txt"
  for opts in "--max-batch 1" ""; do
    serve $opts
    BODY="$body" wrk -t1 -c2 -d3s -s "$here/post.lua" "$url/predict?subnet=$full" > /dev/null
    for round in 1 2 3; do
      ${SERVER_CPUS:+taskset -c "$SERVER_CPUS"} java -Dai.djl.offline=true -cp "$root/target/dialnet.jar:$root/target/lib/*" "$here/OrtThroughput.java" \
          "$model" "$full" 5 1 "$threads" | tee -a "$out/ratio.txt"
      for c in 2 8; do
        echo "server ${opts:-batching} wrk -c$c: $(BODY="$body" wrk -t1 -c$c -d6s --latency -s "$here/post.lua" \
            "$url/predict?subnet=$full" | grep -E 'Requests/sec|50%|99%|Non-2xx' | tr -s ' \n' ' ')" | tee -a "$out/ratio.txt"
      done
    done
    stop
  done
}

capacity() { # closed loop, one image per request, pinned full model: one call per request, then batched
  serve --max-batch 1
  hey -n 500 -c 2 -m POST -T application/octet-stream -D "$body" "$url/predict?subnet=$full" > /dev/null 2>&1
  for c in 1 2 4; do
    hey_csv "capacity-b1-c$c" $((c * 1500)) "$c" "" "subnet=$full"
  done | tee "$out/capacity.jsonl"
  stop
  serve
  hey -n 500 -c 4 -m POST -T application/octet-stream -D "$body" "$url/predict?subnet=$full" > /dev/null 2>&1
  for c in 4 8 16; do
    hey_csv "capacity-batched-c$c" $((c * 1000)) "$c" "" "subnet=$full"
  done | tee -a "$out/capacity.jsonl"
  echo "mean batch: $(curl -s "$url/metrics" | awk '/^dialnet_inference_images_total/ {i=$2} /^dialnet_inference_calls_total/ {c=$2} END {printf "%.2f", i/c}')" \
      | tee -a "$out/capacity.jsonl"
  stop
}

spread() { # spread LABEL RATE QUERY: RATE req/s from the generator GEN (hey, the default, or h2load)
  if [ "${GEN:-hey}" = h2load ]; then spread_h2load "$@"; else spread_hey "$@"; fi
}

spread_h2load() { # spread_h2load LABEL RATE QUERY: RATE req/s from one h2load process (C, one event loop: far
  # less CPU than 64 Go workers) with 64 kept-alive HTTP/1.1 connections, each paced at RATE/64 req/s and
  # started 1 ms apart so their ticks interleave; its per-request log becomes hey's CSV for summarize.py
  local label=$1 rate=$2 query=$3 c=64 n start end
  n=$(( rate * secs > c ? rate * secs : c )) # h2load needs a request per connection at least
  start=$(date +%s.%N)
  on_client_cpus h2load --h1 -c "$c" -n "$n" --rps "$(echo "scale=4; $rate / $c" | bc)" -r 1 --rate-period 1ms \
      -d "$body" -H 'content-type: application/octet-stream' --log-file "$out/$label.log" \
      "$url/predict?$query" > "$out/$label.txt" 2>&1 || true
  end=$(date +%s.%N)
  awk 'BEGIN {print "response-time,status-code"} {printf "%.6f,%s\n", $3 / 1e6, $2}' "$out/$label.log" > "$out/$label.csv"
  rm -f "$out/$label.log"
  summarize "$out/$label.csv" "$n" "$start" "$end" "$label"
}

spread_hey() { # spread_hey LABEL RATE QUERY: RATE req/s from 8 hey processes x 8 workers, their ticks staggered
  # (one hey's workers tick together: 64 workers at once would be a burst of 64), merged into one summary
  local label=$1 rate=$2 query=$3 k=8 c=8 per n period start end
  per=$(echo "scale=4; $rate / ($k * $c)" | bc)
  n=$(( rate * secs / (k * c) * c ))
  period=$(echo "scale=6; 1 / $per / $k" | bc)
  start=$(date +%s.%N)
  for j in $(seq 0 $((k - 1))); do
    (sleep "$(echo "$j * $period" | bc)"; hey -n "$n" -c "$c" -q "$per" -m POST -T application/octet-stream \
        -D "$body" -o csv "$url/predict?$query" > "$out/$label.$j.csv" 2> /dev/null) &
  done
  wait
  end=$(date +%s.%N)
  { head -1 "$out/$label.0.csv"; for j in $(seq 0 $((k - 1))); do tail -n +2 "$out/$label.$j.csv"; done; } \
      > "$out/$label.csv"
  rm -f "$out/$label".?.csv
  summarize "$out/$label.csv" $((n * k)) "$start" "$end" "$label"
}

overload() { # 0.5x..4x the pinned capacity: pinned full model vs the deadline controller
  local cap=${CAPACITY:?set CAPACITY (req/s of the pinned full model, from capacity)}
  for mode in ${MODES:-pinned deadline}; do
    serve
    local query="subnet=$full"
    [ "$mode" = deadline ] && query="deadline_ms=$deadline"
    hey -n 1000 -c 4 -m POST -T application/octet-stream -D "$body" "$url/predict?$query" > /dev/null 2>&1
    for m in 0.5 1 2 4; do
      local rate
      rate=$(echo "$cap * $m / 1" | bc)
      curl -s "$url/metrics" > "$out/before.prom"
      spread "overload-$mode-${m}x" "$rate" "$query" | python3 -c "
import json, re, subprocess, sys
row = json.loads(sys.stdin.read())
def counts(text):
    return {m.group(1): int(m.group(2)) for m in re.finditer(r'dialnet_subnet_requests_total\{subnet=\"([^\"]+)\"\} (\d+)', text)}
def shed(text):
    return {m.group(1): int(m.group(2)) for m in re.finditer(r'dialnet_shed_duration_seconds_bucket\{le=\"([^\"]+)\"\} (\d+)', text)}
def served(text):  # request-duration buckets summed over the subnets
    out = {}
    for m in re.finditer(r'dialnet_request_duration_seconds_bucket\{subnet=\"[^\"]+\",le=\"([^\"]+)\"\} (\d+)', text):
        out[m.group(1)] = out.get(m.group(1), 0) + int(m.group(2))
    return out
def within(before, after, le):  # share of the answers counted at or below bucket le
    total = after.get('+Inf', 0) - before.get('+Inf', 0)
    return round((after.get(le, 0) - before.get(le, 0)) / total, 4) if total else None
def bound(before, after, q):  # the histogram bucket holding quantile q of the refusals between the two scrapes
    n = {le: after[le] - before.get(le, 0) for le in after}
    total = n.get('+Inf', 0)
    return next((le for le in n if total and n[le] >= q * total), None)
before = open('$out/before.prom').read()
after = subprocess.run(['curl', '-s', '$url/metrics'], capture_output=True, text=True).stdout
b, a = counts(before), counts(after)
row.update(mode='$mode', multiple=$m, offered_per_s=$rate, subnet_mix={k: a[k] - b.get(k, 0) for k in a if a[k] - b.get(k, 0)},
           server_shed_p50_le_s=bound(shed(before), shed(after), 0.5), server_shed_p99_le_s=bound(shed(before), shed(after), 0.99),
           server_200_p99_le_s=bound(served(before), served(after), 0.99),
           server_200_within_20ms=within(served(before), served(after), '0.02'))
print(json.dumps(row))" | tee -a "$out/overload.jsonl"
    done
    stop
  done
}

sigterm() { # 20 times: load from 16 kept-alive clients, SIGTERM mid-run; every accepted request answered?
  : > "$out/sigterm.txt"
  for i in $(seq 1 20); do
    serve
    hey -z 4s -c 16 -m POST -T application/octet-stream -D "$body" "$url/predict?subnet=$full" \
        > "$out/sigterm-$i.txt" 2>&1 &
    local load=$!
    sleep 1.5
    kill -TERM "$server"
    local rc=0
    wait "$server" || rc=$?
    wait "$load" || true
    local ok errors lost crash
    ok=$(grep -oE '\[200\][[:space:]]+[0-9]+' "$out/sigterm-$i.txt" | awk '{print $2}' || true)
    refused503=$(grep -oE '\[503\][[:space:]]+[0-9]+' "$out/sigterm-$i.txt" | awk '{print $2}' || true)
    errors=$(sed -n '/Error distribution/,$p' "$out/sigterm-$i.txt" | grep -E '^\s+\[' || true)
    # refused connections were never accepted; anything else (EOF, reset) would be a lost request
    lost=$( (echo "$errors" | grep -v 'connection refused' | grep -oE '^\s+\[[0-9]+\]' | tr -dc '0-9\n' || true) \
        | awk '{s += $1} END {print s + 0}')
    crash=$(grep -c 'SIGSEGV\|hs_err' "$out/serve.log" || true)
    echo "try $i: exit $rc, 200s ${ok:-0}, 503s ${refused503:-0}, lost $lost, crash lines $crash, errors: $(echo "$errors" | sed 's/Post .*: //' | tr -s ' \n' ' ')" \
        | tee -a "$out/sigterm.txt"
  done
}

slow() { # 1,000 idle or slow connections while one normal kept-alive client is served
  serve --max-batch 1
  hey -n 300 -c 1 -m POST -T application/octet-stream -D "$body" "$url/predict?subnet=$full" > /dev/null 2>&1
  {
    hey_csv "slow-baseline" 2000 1 "" "subnet=$full"
    python3 "$here/slow_clients.py" "$port" 500 500 8 > "$out/slow-clients.txt" &
    local holder=$!
    until grep -q opened "$out/slow-clients.txt" 2> /dev/null; do sleep 0.1; done
    echo "during: $(metric dialnet_open_connections)"
    hey_csv "slow-with-1000" 2000 1 "" "subnet=$full"
    echo "after the normal client: $(metric dialnet_open_connections)"
    wait "$holder"
    echo "after the 8 s hold: $(metric dialnet_open_connections), $(metric dialnet_connections_timed_out_total)"
  } | tee "$out/slow.jsonl"
  cat "$out/slow-clients.txt"
  stop
}

for section in "$@"; do
  case $section in
    all) overhead; ratio; keepalive; capacity; sigterm; slow ;;
    ort|overhead|ratio|keepalive|capacity|overload|sigterm|slow) $section ;;
    *) echo "unknown section $section"; exit 2 ;;
  esac
done
