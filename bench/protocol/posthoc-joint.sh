#!/usr/bin/env bash
# After the protocol, not registered (docs/RESULTS.md): the joint-background arm for each seed, i.e. the
# uniform widths trained jointly from individual's full-width model on progressive's final-training
# schedule (15 epochs, peak rate 0.05, summed cross-entropy, switchable BatchNorm): progressive without its
# search. Where the search chose the uniform widths (seeds 0 and 1), the two differ only by the search's
# fine-tunings, so this shows how much of progressive's gain the search brings. The registered run's
# individual, uniform and progressive arms are copied in as results (read back, never retrained), so the
# report pairs them image by image. Resumable; from a pinned build (bench/protocol/pin.sh 75a9b8d DIR).
#
#   mkdir -p runs/posthoc-joint && nohup bench/protocol/posthoc-joint.sh PINNED_DIR 0 1 >> runs/posthoc-joint/posthoc.log 2>&1 &
#   (into runs/posthoc-joint/seed-S; save with bench/protocol/save.sh runs/posthoc-joint)
#   then: ./dialnet compare-report --runs runs/posthoc-joint/seed-0,... --references uniform,progressive
set -uo pipefail
pinned="${1:?usage: posthoc-joint.sh PINNED_DIR SEED...}"
shift
runs=runs/posthoc-joint
data="${DIALNET_CIFAR:-../shared/data/cifar-10-batches-bin}"
export OMP_WAIT_POLICY=PASSIVE
cd "$(git -C "$(dirname "$0")" rev-parse --show-toplevel)"
for seed in "$@"; do
  for arm in individual uniform progressive; do
    from="runs/protocol/seed-$seed/$arm"
    to="$runs/seed-$seed/$arm"
    [[ -f "$to/arm.json" ]] && continue
    [[ -f "$from/arm.json" ]] || { echo "$from has not finished; seed $seed waits"; exit 1; }
    mkdir -p "$to.tmp"
    cp "$from/arm.json" "$from/test-correct.json" "$to.tmp/"
    if [[ "$arm" == individual ]]; then
      mkdir -p "$to.tmp/w1.00" && cp "$from/w1.00/checkpoint.zip" "$to.tmp/w1.00/"
    fi
    mv "$to.tmp" "$to"
  done
  echo "$(date -u +%FT%TZ) post-hoc seed $seed: joint from the background"
  if ! java -Dai.djl.offline=true -Dorg.slf4j.simpleLogger.defaultLogLevel=warn -Xss4m -jar "$pinned/dialnet.jar" \
      compare --data "cifar10:$data" --model resnet20 --preset protocol --seed "$seed" --threads 2 \
      --methods individual,uniform,progressive,joint-background --out "$runs/seed-$seed" --resume; then
    echo "$(date -u +%FT%TZ) post-hoc seed $seed failed"
    exit 1
  fi
done
echo "$(date -u +%FT%TZ) post-hoc joint done"
