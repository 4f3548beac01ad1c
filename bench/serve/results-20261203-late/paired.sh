#!/usr/bin/env bash
# serve --compute-nice 10 and 0, alternated twice, after late calls became 504s (the worker checks the
# deadline when a call ends): deadline mode, unpinned, h2load as the generator, CAPACITY=1300, 8 s per
# rate. Run with nothing else on the machine; summary: python3 bench/serve/table.py bench/serve/results-20261203-late/*.jsonl
set -euo pipefail
cd "$(git -C "$(dirname "$0")" rev-parse --show-toplevel)"
here=bench/serve/results-20261203-late
export GEN=h2load PORT=8093 CAPACITY=1300 SECONDS_PER_RUN=8 MODES=deadline
for round in 1 2; do
  for nice in 10 0; do
    tmp=$(mktemp -d)
    SERVE_OPTS="--compute-nice $nice" bench/serve/run.sh /work/serve-models/r20.dialnet "$tmp" overload
    cp "$tmp/overload.jsonl" "$here/r$round-nice$nice.jsonl"
    rm -rf "$tmp"
  done
done
