#!/usr/bin/env bash
# Exports seed 0's trained dynamic model of each finished method into models/ (issue 10), from the
# protocol run's final checkpoints (kept in git by save.sh until this has run).
#   bench/protocol/ship.sh [RUNS_DIR]
set -euo pipefail
runs="${1:-runs/protocol}"
cd "$(git -C "$(dirname "$0")" rev-parse --show-toplevel)"
mkdir -p models
for m in uniform/checkpoint.zip joint/checkpoint.zip progressive/final/checkpoint.zip \
    multipath/final/checkpoint.zip singlepath/train/checkpoint.zip; do
  method="${m%%/*}"
  ckpt="$runs/seed-0/$m"
  out="models/resnet20-cifar10-$method.dialnet"
  if [[ -f "$runs/seed-0/$method/arm.json" && -f "$ckpt" && ! -f "$out" ]]; then
    # The dial check applies as to any export: a subnet not faster than a larger one at batch 1 or 64 is
    # dropped and named (the protocol's groups of 4 are not this CPU's SIMD block, docs/BENCHMARKS.md
    # section 9); every subnet's accuracy stays in the arm's results. Run with nothing else on the machine.
    ./dialnet export --checkpoint "$ckpt" --out "$out" --latency-batches 1,64 --threads 2 2>&1 | tee "$out.log"
    ls -l "$out"
  fi
done
