#!/usr/bin/env bash
# After the protocol, not registered (docs/RESULTS.md, "The noise ranking's reward"): seed 0's progressive
# search again with today's noise ranking (preset protocol-ranking: lambda 10, 400 batches), from the same
# background, so its subnets can be set beside the registered run's, and its plans trained alone (they are
# not the uniform widths, so they are not the individual arm's). Resumable like run.sh; from a pinned build
# of a commit that has the preset (bench/protocol/pin.sh COMMIT).
#
#   bench/protocol/posthoc.sh PINNED_DIR [RUNS_DIR]      (RUNS_DIR default: runs/posthoc)
#   then, when it is done: ./dialnet compare-report --runs runs/posthoc/seed-0 --against runs/protocol/seed-0
set -uo pipefail
pinned="${1:?usage: posthoc.sh PINNED_DIR [RUNS_DIR]}"
runs="${2:-runs/posthoc}"
data="${DIALNET_CIFAR:-../shared/data/cifar-10-batches-bin}"
export OMP_WAIT_POLICY=PASSIVE
# the registered run's individual arm, read back rather than retrained: the background and the reference
if [[ ! -f "$runs/seed-0/individual/arm.json" ]]; then
  mkdir -p "$runs/seed-0"
  cp -r runs/protocol/seed-0/individual "$runs/seed-0/individual.tmp"
  mv "$runs/seed-0/individual.tmp" "$runs/seed-0/individual"
fi
echo "$(date -u +%FT%TZ) post-hoc seed 0: progressive and its plans alone, preset protocol-ranking"
if ! java -Dai.djl.offline=true -Dorg.slf4j.simpleLogger.defaultLogLevel=warn -Xss4m -jar "$pinned/dialnet.jar" \
    compare --data "cifar10:$data" --model resnet20 --preset protocol-ranking --seed 0 --threads 2 \
    --methods individual,progressive,alone-progressive --out "$runs/seed-0" --resume; then
  echo "$(date -u +%FT%TZ) post-hoc failed"
  exit 1
fi
echo "$(date -u +%FT%TZ) post-hoc done"
