#!/usr/bin/env bash
# Exports seed 0's trained dynamic model of each finished method into models/ (issue 10), from the
# protocol run's final checkpoints (kept in git by save.sh until this has run). Every finished method
# is exported again each time, so all files' latencies come from one quiet sitting; a file measured
# while another process kept the CPUs busy (export says so) is not shipped.
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
  if [[ -f "$runs/seed-0/$method/arm.json" && -f "$ckpt" ]]; then
    # The dial check applies as to any export: a subnet not faster than a larger one at batch 1 or 64 is
    # dropped and named (the protocol's groups of 4 are not this CPU's SIMD block, docs/BENCHMARKS.md
    # section 9); every subnet's accuracy stays in the arm's results.
    ./dialnet export --checkpoint "$ckpt" --out "$out.new" --latency-batches 1,64 --threads 2 --remeasure \
      2>&1 | grep -v WARN | sed "s|$out.new|$out|" | tee "$out.log.new"
    if grep -q "^dialnet: latency:" "$out.log.new"; then
      rm -f "$out.new" "$out.log.new"
      echo "$out: not shipped, measured beside a busy process; run again with nothing else running" >&2
      exit 1
    fi
    mv "$out.new" "$out" && mv "$out.log.new" "$out.log"
    ls -l "$out"
  elif [[ -f "$runs/seed-0/$method/arm.json" ]]; then
    echo "$ckpt is missing: $method's arm is done but its model cannot be exported again" >&2
    exit 1
  fi
done
