#!/usr/bin/env bash
# Dated deviation of 2026-12-03 (docs/RESULTS.md): when a seed's search arm lands with plans that are all
# individual widths, its alone- arm is read back from the individual arm's runs by a build with that
# change (e139a83, pinned apart) rather than retrained by the protocol's pinned 4c17152 build, which
# then resumes. Waits for the search arm; does nothing if a plan is not an individual width.
#
#   nohup bench/protocol/alone-readback.sh SEED [SEARCH] >> runs/protocol/readback.log 2>&1 &
#   (SEARCH default: progressive; READBACK_PINNED default: ../dialnet-pinned-e139a83, made by
#    bench/protocol/pin.sh e139a83 ../dialnet-pinned-e139a83)
set -uo pipefail
seed="${1:?usage: alone-readback.sh SEED [SEARCH]}"
search="${2:-progressive}"
cd "$(git -C "$(dirname "$0")" rev-parse --show-toplevel)"
runs=runs/protocol/seed-$seed
readback="${READBACK_PINNED:-../dialnet-pinned-e139a83}"
protocol="$(realpath ../dialnet-pinned-4c17152)"
while [[ ! -f $runs/$search/arm.json ]]; do sleep 20; done
[[ -f $runs/alone-$search/arm.json ]] && { echo "$runs/alone-$search is done already"; exit 0; }
widths=$(python3 -c "
import json
p = json.load(open('$runs/$search/arm.json'))
i = json.load(open('$runs/individual/arm.json'))
print(all(s['channels'] in [w['channels'] for w in i['subnets']] for s in p['subnets']))")
echo "$(date -u +%FT%TZ) seed $seed $search landed; every plan an individual width: $widths"
[[ "$widths" == True ]] || exit 0
pkill -f "bench/protocol/run.sh $protocol"
sleep 1
pkill -f "$protocol/dialnet.jar compare.*--seed $seed "
sleep 5
rm -rf "$runs/alone-$search" # the pinned build's start on it, if any
arms=individual,uniform,$search,alone-$search
OMP_WAIT_POLICY=PASSIVE java -Dai.djl.offline=true -Dorg.slf4j.simpleLogger.defaultLogLevel=warn -Xss4m \
  -jar "$readback/dialnet.jar" compare --data "cifar10:${DIALNET_CIFAR:-../shared/data/cifar-10-batches-bin}" \
  --model resnet20 --preset protocol --seed "$seed" --threads 2 --methods "$arms" --out "$runs" --resume \
  >> runs/protocol/protocol.log 2>&1
echo "$(date -u +%FT%TZ) seed $seed alone-$search read back by $readback: exit $?" | tee -a runs/protocol/protocol.log
nohup bench/protocol/run.sh "$protocol" >> runs/protocol/protocol.log 2>&1 &
