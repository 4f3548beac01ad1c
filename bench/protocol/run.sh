#!/usr/bin/env bash
# The pre-registered protocol of docs/RESULTS.md, resumable: the same command continues where a killed
# run stopped (finished arms are read back from their arm.json, the interrupted one resumes from its
# last checkpoint). Runs from a pinned build (a copy of target/dialnet.jar and target/lib outside the
# repository, made by bench/protocol/pin.sh) so later commits cannot change a run in flight.
#
#   bench/protocol/run.sh PINNED_DIR [RUNS_DIR]      (RUNS_DIR default: runs/protocol)
#
# Order (dated deviation, RESULTS.md): the arms of the primary and secondary outcomes for seeds 0, 1, 2
# first, then every other arm, seed 0 first.
set -uo pipefail
pinned="${1:?usage: run.sh PINNED_DIR [RUNS_DIR]}"
runs="${2:-runs/protocol}"
data="${DIALNET_CIFAR:-../shared/data/cifar-10-batches-bin}"
export OMP_WAIT_POLICY=PASSIVE
primary=individual,uniform,progressive,alone-progressive,ablation
all=individual,uniform,progressive,alone-progressive,ablation,joint,multipath,singlepath,alone-multipath,alone-singlepath
compare() { # seed methods
  java -Dai.djl.offline=true -Dorg.slf4j.simpleLogger.defaultLogLevel=warn -Xss4m -jar "$pinned/dialnet.jar" \
    compare --data "cifar10:$data" --model resnet20 --preset protocol --seed "$1" --threads 2 \
    --methods "$2" --out "$runs/seed-$1" --resume
}
for phase in "$primary" "$all"; do
  for seed in 0 1 2; do
    echo "$(date -u +%FT%TZ) seed $seed: $phase"
    compare "$seed" "$phase" || { echo "$(date -u +%FT%TZ) seed $seed failed (exit $?)"; exit 1; }
  done
done
echo "$(date -u +%FT%TZ) protocol done"
