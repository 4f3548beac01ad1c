#!/usr/bin/env bash
# serve --compute-nice off and on, alternated twice: deadline mode, unpinned, CAPACITY=1300, 8 s per rate.
# Run with nothing else on the machine (the protocol run stopped): /work/notes/quiet.sh bench/serve/results-20261203-nice/paired.sh
set -euo pipefail
cd "$(git -C "$(dirname "$0")" rev-parse --show-toplevel)"
here=bench/serve/results-20261203-nice
for round in 1 2; do
  for v in off on; do
    tmp=$(mktemp -d)
    if [ $v = on ]; then export SERVE_OPTS="--compute-nice 10"; else unset SERVE_OPTS; fi
    CAPACITY=1300 SECONDS_PER_RUN=8 MODES=deadline PORT=8093 bench/serve/run.sh /work/serve-models/r20.dialnet "$tmp" overload
    cp "$tmp/overload.jsonl" "$here/$v-$round.jsonl"
    rm -rf "$tmp"
  done
done
