#!/usr/bin/env bash
# Stages a protocol run's state for a commit, so the run survives the machine it ran on: every result
# file, the searches' background (individual/w1.00/checkpoint.zip, which later arms start from), and the
# checkpoints of unfinished arms (an arm is finished when its arm.json exists; its results are then read
# back and its checkpoints are no longer needed), and seed 0's final models, which models/ is exported
# from. Finished arms' other checkpoints are left out.
#
#   bench/protocol/save.sh [RUNS_DIR]     then: git commit -m "protocol: ..."
set -euo pipefail
runs="${1:-runs/protocol}"
cd "$(git -C "$(dirname "$0")" rev-parse --show-toplevel)"
find "$runs" -type f \( -name '*.json' -o -name '*.jsonl' -o -name '*.md' -o -name '*.png' -o -name '*.log' \) \
  -print0 | xargs -0 -r git add -f --
# seed 0's trained dynamic models are shipped (models/, issue 10): their final checkpoints stay, since
# bench/protocol/ship.sh exports every method again so that all files are timed in one quiet sitting
# (only the registered protocol's; post-hoc runs ship nothing)
shippable() {
  local zip="$1" m
  [[ "$runs" == runs/protocol ]] || return 1
  for m in uniform/checkpoint.zip joint/checkpoint.zip progressive/final/checkpoint.zip \
      multipath/final/checkpoint.zip singlepath/train/checkpoint.zip; do
    if [[ "$zip" == */seed-0/$m ]]; then return 0; fi
  done
  return 1
}
find "$runs" -type f -name '*.zip' -print | while read -r zip; do
  arm="$(echo "$zip" | sed -E "s#^($runs/seed-[0-9]+/[^/]+)/.*#\1#")"
  if [[ "$zip" == */individual/w1.00/checkpoint.zip || ! -f "$arm/arm.json" ]] || shippable "$zip"; then
    git add -f -- "$zip"
  elif git ls-files --error-unmatch -- "$zip" >/dev/null 2>&1; then
    git rm -q --cached -- "$zip"   # its arm finished: the results carry it now
  fi
done
git status --short -- "$runs" | head -50
