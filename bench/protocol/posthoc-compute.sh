#!/usr/bin/env bash
# After the protocol, not registered (docs/RESULTS.md): seed 0's US-Nets arm trained for 29 epochs instead
# of 15, so its compute (forward + backward MACs x images) is at least the progressive arm's (1.90x US-Nets at
# 15 epochs): the equal-compute comparison beside the registered equal-epoch one. Everything else is the
# protocol preset (the cosine schedule spans the 29 epochs). The registered run's finished individual and
# progressive arms are copied in as results (read back, never retrained), so the report pairs them with this
# arm image by image. Resumable like run.sh; from a pinned build (bench/protocol/pin.sh COMMIT DIR).
#
#   bench/protocol/posthoc-compute.sh PINNED_DIR [RUNS_DIR]     (RUNS_DIR default: runs/posthoc-compute)
#   then: ./dialnet compare-report --runs runs/posthoc-compute/seed-0
set -uo pipefail
pinned="${1:?usage: posthoc-compute.sh PINNED_DIR [RUNS_DIR]}"
runs="${2:-runs/posthoc-compute}"
data="${DIALNET_CIFAR:-../shared/data/cifar-10-batches-bin}"
export OMP_WAIT_POLICY=PASSIVE
# the registered arms as results (the individual one with its full-width model, which compare expects)
for arm in individual progressive; do
  if [[ ! -f "$runs/seed-0/$arm/arm.json" ]]; then
    mkdir -p "$runs/seed-0/$arm.tmp"
    cp "runs/protocol/seed-0/$arm/arm.json" "runs/protocol/seed-0/$arm/test-correct.json" "$runs/seed-0/$arm.tmp/"
    if [[ "$arm" == individual ]]; then
      mkdir -p "$runs/seed-0/$arm.tmp/w1.00"
      cp runs/protocol/seed-0/individual/w1.00/checkpoint.zip "$runs/seed-0/$arm.tmp/w1.00/"
    fi
    mv "$runs/seed-0/$arm.tmp" "$runs/seed-0/$arm"
  fi
done
echo "$(date -u +%FT%TZ) post-hoc seed 0: US-Nets at 29 epochs"
if ! java -Dai.djl.offline=true -Dorg.slf4j.simpleLogger.defaultLogLevel=warn -Xss4m -jar "$pinned/dialnet.jar" \
    compare --data "cifar10:$data" --model resnet20 --preset protocol --epochs 29 --seed 0 --threads 2 \
    --methods individual,uniform --out "$runs/seed-0" --resume; then
  echo "$(date -u +%FT%TZ) post-hoc failed"
  exit 1
fi
echo "$(date -u +%FT%TZ) post-hoc done"
