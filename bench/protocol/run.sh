#!/usr/bin/env bash
# The pre-registered protocol of docs/RESULTS.md, resumable: the same command continues where a killed
# run stopped (finished arms are read back from their arm.json, the interrupted one resumes from its
# last checkpoint). Runs from a pinned build (a copy of target/dialnet.jar and target/lib outside the
# repository, made by bench/protocol/pin.sh) so later commits cannot change a run in flight.
#
#   bench/protocol/run.sh PINNED_DIR [RUNS_DIR]      (RUNS_DIR default: runs/protocol)
#
# Order (dated deviation, RESULTS.md): the arms of the primary and secondary outcomes for seeds 0, 1, 2
# first, then every other arm, seed 0 first. A second run.sh with the same arguments may run beside the
# first: each holds a lock on the seed it trains (RUNS_DIR/seed-S.lock, released when it exits), and a
# run skips a seed another holds and takes the next, so the two never train the same seed's arms.
#
# Dated deviation of 2026-12-03: an alone- arm whose plans are all the individual arm's widths is read
# back from the individual arm's runs by the build that can (READBACK_PINNED, default
# ../dialnet-pinned-e139a83 beside PINNED_DIR; bench/protocol/pin.sh e139a83 DIR), not retrained.
set -uo pipefail
pinned="$(realpath "${1:?usage: run.sh PINNED_DIR [RUNS_DIR]}")"
runs="${2:-runs/protocol}"
readback="${READBACK_PINNED:-$(dirname "$pinned")/dialnet-pinned-e139a83}"
data="${DIALNET_CIFAR:-../shared/data/cifar-10-batches-bin}"
export OMP_WAIT_POLICY=PASSIVE
primary=individual,uniform,progressive,alone-progressive,ablation
searches=individual,uniform,progressive,alone-progressive,ablation,joint,multipath,singlepath
all=$searches,alone-multipath,alone-singlepath

compare() { # build seed methods
  java -Dai.djl.offline=true -Dorg.slf4j.simpleLogger.defaultLogLevel=warn -Xss4m -jar "$1/dialnet.jar" \
    compare --data "cifar10:$data" --model resnet20 --preset protocol --seed "$2" --threads 2 \
    --methods "$3" --out "$runs/seed-$2" --resume
}

# The search arm's plans are all widths the individual arm trained (exit 0), or not, or it has not run.
plans_are_individual_widths() { # arm.json of the search, arm.json of individual
  python3 -c "
import json, sys
p = json.load(open(sys.argv[1])); i = json.load(open(sys.argv[2]))
widths = [w['channels'] for w in i['subnets']]
sys.exit(0 if all(s['channels'] in widths for s in p['subnets']) else 1)" "$1" "$2" 2>/dev/null
}

read_back_alone() { # seed search
  local dir="$runs/seed-$1"
  [[ -f "$dir/$2/arm.json" && ! -f "$dir/alone-$2/arm.json" ]] || return 0
  plans_are_individual_widths "$dir/$2/arm.json" "$dir/individual/arm.json" || return 0
  echo "$(date -u +%FT%TZ) seed $1: $2's plans are individual widths; alone-$2 read back by $readback"
  rm -rf "$dir/alone-$2" # the pinned build's start on it, if any
  compare "$readback" "$1" "individual,uniform,$2,alone-$2"
}

phase() { # primary|all seed
  if [[ "$1" == primary ]]; then
    compare "$pinned" "$2" individual,uniform,progressive && read_back_alone "$2" progressive \
      && compare "$pinned" "$2" "$primary"
  else
    compare "$pinned" "$2" "$searches" && read_back_alone "$2" multipath && read_back_alone "$2" singlepath \
      && compare "$pinned" "$2" "$all"
  fi
}

for build in "$pinned:4c17152" "$readback:e139a83"; do
  [[ -f "${build%:*}/dialnet.jar" ]] || { echo "run.sh: ${build%:*}/dialnet.jar is missing; make it with" \
    "bench/protocol/pin.sh ${build##*:} ${build%:*}"; exit 2; }
done
mkdir -p "$runs"
finished=" "
while :; do
  ran=false
  waiting=false
  for job in primary:0 primary:1 primary:2 all:0 all:1 all:2; do
    [[ "$finished" == *" $job "* ]] && continue
    seed="${job#*:}"
    exec {lock}>"$runs/seed-$seed.lock"
    if ! flock -n "$lock"; then
      exec {lock}>&-
      waiting=true
      continue
    fi
    echo "$(date -u +%FT%TZ) seed $seed: ${job%:*} arms"
    phase "${job%:*}" "$seed" || { rc=$?; echo "$(date -u +%FT%TZ) seed $seed failed (exit $rc)"; exit 1; }
    exec {lock}>&-
    finished+="$job "
    ran=true
    break # the earliest unfinished job first again
  done
  if ! $ran; then
    $waiting || break
    sleep 300 # every job left is another run's; wait for it
  fi
done
echo "$(date -u +%FT%TZ) protocol done"
