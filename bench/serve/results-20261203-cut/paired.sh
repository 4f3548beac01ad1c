#!/usr/bin/env bash
# paired: HEAD (batches gathered regardless of the group's earliest deadline) vs the working tree (cut), unpinned, deadline mode
for round in 1 2; do
  for b in /tmp/wt-head /work/main; do
    n=$(basename $b)
    CAPACITY=1300 SECONDS_PER_RUN=8 MODES=deadline $b/bench/serve/run.sh /work/serve-models/r20.dialnet /tmp/cut/$n-$round overload > /dev/null 2>&1
  done
done
