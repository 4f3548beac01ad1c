#!/usr/bin/env bash
# Builds the protocol run's pinned copy of Dialnet: the jar and its libraries of one commit, outside the
# repository, so that later commits cannot change a run in flight and a fresh machine can resume it.
#
#   bench/protocol/pin.sh [COMMIT] [DIR]     (defaults: 4c17152, the commit the running protocol uses
#                                            (docs/RESULTS.md, deviations), and ../dialnet-pinned-COMMIT)
#   then: nohup bench/protocol/run.sh DIR >> runs/protocol/protocol.log 2>&1 &
set -euo pipefail
commit="${1:-4c17152}"
root="$(git -C "$(dirname "$0")" rev-parse --show-toplevel)"
dir="$(realpath -m "${2:-$root/../dialnet-pinned-$commit}")"
if [[ -f "$dir/dialnet.jar" ]]; then
  echo "$dir already holds a pinned build"; exit 0
fi
work="$(mktemp -d)"
trap 'git -C "$root" worktree remove --force "$work/src" >/dev/null 2>&1 || true; rm -rf "$work"' EXIT
git -C "$root" worktree add -q --detach "$work/src" "$commit"
(cd "$work/src" && mvn -B -q -o -DskipTests package 2>/dev/null || mvn -B -q -DskipTests package)
mkdir -p "$dir.tmp"
cp -r "$work/src/target/dialnet.jar" "$work/src/target/lib" "$dir.tmp/"
mv "$dir.tmp" "$dir"
echo "pinned $commit in $dir"
