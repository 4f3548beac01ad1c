#!/usr/bin/env bash
# paired.sh MODEL DIR NICE...: the overload (run.sh overload) with `serve --compute-nice` at each NICE in turn,
# ROUNDS times (2), into DIR/<mode>-r<round>-nice<NICE>.jsonl; summary: python3 bench/serve/table.py DIR/*.jsonl.
# Environment as run.sh's (MODES, deadline by default; GEN; CAPACITY, 1300 by default; SECONDS_PER_RUN, 8).
# Run with nothing else on the machine.
set -euo pipefail
model=$(realpath "$1"); dir=$(realpath -m "$2"); shift 2
here=$(cd "$(dirname "$0")" && pwd)
export CAPACITY=${CAPACITY:-1300} SECONDS_PER_RUN=${SECONDS_PER_RUN:-8} MODES=${MODES:-deadline} PORT=${PORT:-8093}
mkdir -p "$dir"
for round in $(seq 1 "${ROUNDS:-2}"); do
  for nice in "$@"; do
    tmp=$(mktemp -d)
    SERVE_OPTS="--compute-nice $nice" "$here/run.sh" "$model" "$tmp" overload
    cp "$tmp/overload.jsonl" "$dir/${MODES// /-}-r$round-nice$nice.jsonl"
    rm -rf "$tmp"
  done
done
