#!/usr/bin/env bash
# serve --compute-nice 0 and 10, alternated twice, before late calls became 504s; then each mode
# pinned once. Deadline mode, unpinned, h2load as the generator, CAPACITY=1300, 8 s per
# rate. Run with nothing else on the machine; summary: python3 bench/serve/table.py bench/serve/results-20261203-h2load/*.jsonl
set -euo pipefail
cd "$(git -C "$(dirname "$0")" rev-parse --show-toplevel)"
here=bench/serve/results-20261203-h2load
export GEN=h2load PORT=8093 CAPACITY=1300 SECONDS_PER_RUN=8 MODES=deadline
for round in 1 2; do
  for nice in 0 10; do
    tmp=$(mktemp -d)
    SERVE_OPTS="--compute-nice $nice" bench/serve/run.sh /work/serve-models/r20.dialnet "$tmp" overload
    cp "$tmp/overload.jsonl" "$here/r$round-nice$nice.jsonl"
    rm -rf "$tmp"
  done
done
for nice in 0 10; do
  tmp=$(mktemp -d)
  SERVE_OPTS="--compute-nice $nice" MODES=pinned bench/serve/run.sh /work/serve-models/r20.dialnet "$tmp" overload
  cp "$tmp/overload.jsonl" "$here/pinned-nice$nice.jsonl"
  rm -rf "$tmp"
done
# the generators' own CPU at 2x (2,600 req/s for 8 s), against a server at the default settings, pinned w1.00:
#   /usr/bin/time h2load --h1 -c 64 -n 20800 --rps 40.625 -r 1 --rate-period 1ms -d image.f32 \
#       -H 'content-type: application/octet-stream' 'http://127.0.0.1:8094/predict?subnet=w1.00'
#   /usr/bin/time hey -n 20800 -c 64 -q 40.625 -m POST -T application/octet-stream -D image.f32 \
#       'http://127.0.0.1:8094/predict?subnet=w1.00'          (generator-cpu.txt)
