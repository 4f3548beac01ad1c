#!/usr/bin/env bash
# Run from two worktrees of one commit: /tmp/wt-base (the fixed 0.9 share) and /tmp/wt-aimd (the
# adaptive share, Controller.share()), each built with mvn -o -DskipTests package; nothing else running.
# paired: baseline controller vs AIMD share, deadline mode, one-core server, alternated
set -e
for round in 1 2; do
  for b in base aimd; do
    SERVER_CPUS=1 CLIENT_CPUS=0 THREADS=1 CAPACITY=987 SECONDS_PER_RUN=8 MODES=deadline \
      /tmp/wt-$b/bench/serve/run.sh /work/serve-models/r20.dialnet /tmp/aimd/$b-$round overload 2>&1 | tail -5
  done
done
