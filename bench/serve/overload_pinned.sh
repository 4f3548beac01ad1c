#!/usr/bin/env bash
# Issue 11: the overload benchmark with the server on core 1 and the load generators on core 0
# (docs/BENCHMARKS.md section 8, "Server and generator on separate cores"). Run with nothing else on
# the machine. MODEL defaults to a ResNet-20 export.
set -euo pipefail
cd "$(dirname "$0")/../.."
M=${1:-/work/serve-models/r20.dialnet}
OUT=${2:-${TMPDIR:-/tmp}/dialnet-serve-pinned-$(date -u +%Y%m%dT%H%M)}   # the per-request CSVs are large
mkdir -p $OUT
taskset -c 1 ./dialnet bench latency --model $M --backends onnxruntime --batch-sizes 1 --runs 500 --warmup 50 --threads 1 2>&1 | grep -v WARN | tee $OUT/latency.txt
SERVER_CPUS=1 CLIENT_CPUS=0 THREADS=1 bench/serve/run.sh $M $OUT ratio 2>&1 | tail -12 | tee $OUT/ratio.txt
cap=$(grep "server --max-batch 1 wrk -c8" $OUT/ratio.txt | head -1 | sed -E 's/.*Requests\/sec: *([0-9]+).*/\1/')
echo "capacity $cap" | tee $OUT/capacity.txt
for round in 1 2; do
  SERVER_CPUS=1 CLIENT_CPUS=0 THREADS=1 CAPACITY=$cap SECONDS_PER_RUN=8 bench/serve/run.sh $M $OUT/round$round overload 2>&1 | tail -10
done
