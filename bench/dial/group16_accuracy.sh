#!/usr/bin/env bash
# Issue 12: the accuracy cost of 16-channel groups at matched MACs. The group-16 plan 16/16/32 (21.5M MACs)
# trained alone with the protocol's recipe (seed 0, 15 epochs, same split), against the protocol's
# individual 12/24/48 (23.0M MACs, groups of 4). Resumable: the same command continues.
set -uo pipefail
cd "$(dirname "$0")/../.."
export OMP_WAIT_POLICY=PASSIVE
java -Dai.djl.offline=true -Dorg.slf4j.simpleLogger.defaultLogLevel=warn -Xss4m -jar /work/dialnet-pinned-4c17152/dialnet.jar \
  train --data cifar10:../shared/data/cifar-10-batches-bin --model resnet20 --strategy individual \
  --plans 16,16,16,16,16,16,16,16,32,32,32,32 --group-size 16 --epochs 15 --validation 4500 --test-holdout 5000 \
  --seed 0 --split-seed 0 --threads 2 --quiet --out runs/group16/p16-16-32 --resume
