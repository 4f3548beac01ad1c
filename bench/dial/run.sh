#!/usr/bin/env bash
# Issue 12's measurements in one run, so their ratios compare (docs/BENCHMARKS.md section 9).
# Run with nothing else on the machine (a training run paused: kill -STOP its pid, kill -CONT after).
#   bench/dial/run.sh [OUT_FILE]
set -euo pipefail
cd "$(dirname "$0")/../.."
out="${1:-bench/dial/results-$(date -u +%Y%m%dT%H%M%SZ).md}"
{
  echo "# bench/dial/run.sh, $(date -u +%FT%TZ), commit $(git rev-parse --short HEAD)"
  echo
  echo "## 1. ONNX Runtime session set-ups, ResNet-20 at 32x32, groups of this CPU's SIMD block"
  ./dialnet bench dial --model resnet20 --threads 2 --batch-sizes 1,64 \
    --ort-settings 'level=all;level=extended;level=basic;level=all,nchwc=off;level=all,arena=off;level=all,spinning=on'
  echo
  echo "## 2. Channel groups: SIMD block (0 = detected), 8 and 4 (the protocol's), serve's set-up"
  for g in 0 8 4; do
    ./dialnet bench dial --model resnet20 --threads 2 --batch-sizes 1,64 --group-size "$g" \
      --widths 1.0,0.75,0.5,0.375,0.25
  done
  echo
  echo "## 3. The DAC 2020 table: ResNet-18 at 224x224, four nested subnets, batch 1 and 128"
  ./dialnet bench dial --model resnet18 --image-size 224 --threads 2 --batch-sizes 1,128
} 2>&1 | tee "$out"
