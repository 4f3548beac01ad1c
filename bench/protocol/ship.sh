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
    # every subnet the method delivered ships, a slower one too: these models are the protocol's evidence
    # (its channel groups of 4 are not this CPU's SIMD block), and the dial check's findings are printed
    ./dialnet export --checkpoint "$ckpt" --out "$out" --latency-batches 1,64 --keep-slower --threads 2
    ls -l "$out"
  fi
done
