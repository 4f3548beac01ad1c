#!/usr/bin/env bash
# The post-hoc runs (not registered; docs/RESULTS.md) one after the other, resumable with the same command:
# today's noise ranking for seed 0's progressive arm and its plans alone, then US-Nets at progressive's compute.
# Exits non-zero as soon as one fails.
#   nohup bench/protocol/posthoc-all.sh /work/dialnet-pinned-657b37f >> runs/posthoc/posthoc.log 2>&1 &
set -uo pipefail
pinned="${1:?usage: posthoc-all.sh PINNED_DIR}"
cd "$(git -C "$(dirname "$0")" rev-parse --show-toplevel)"
bench/protocol/posthoc.sh "$pinned" && exec bench/protocol/posthoc-compute.sh "$pinned"
