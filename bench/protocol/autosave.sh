#!/usr/bin/env bash
# Commits the long runs' state every INTERVAL seconds (default 3600), so that a session that ends
# without warning loses at most that much: a new machine keeps only what git holds. Commits only
# runs/ (git commit -- runs/), so work staged elsewhere in the tree is left alone; a round that finds
# the index busy is skipped. An hour, not less: each round commits the unfinished arms' checkpoints
# (about 2 MB each), so a shorter interval grows the repository faster than it saves work.
#
#   nohup bench/protocol/autosave.sh [INTERVAL] >> /tmp/autosave.log 2>&1 &
set -uo pipefail
interval="${1:-3600}"
cd "$(git -C "$(dirname "$0")" rev-parse --show-toplevel)"
while sleep "$interval"; do
  for runs in runs/protocol runs/posthoc runs/posthoc-compute runs/posthoc-joint; do
    [[ -d "$runs" ]] && bench/protocol/save.sh "$runs" >/dev/null
  done
  git commit -q -m "protocol: run state (autosave)" -- runs/ && echo "$(date -u +%FT%TZ) saved" \
    || echo "$(date -u +%FT%TZ) nothing saved"
done
