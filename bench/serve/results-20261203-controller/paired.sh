#!/usr/bin/env bash
# Run from two worktrees of one commit: /tmp/wt-base (the fixed 0.9 share) and /tmp/wt-aimd (the
# adaptive share, Controller.share()), each built with mvn -o -DskipTests package; nothing else running.
# paired: fixed vs adaptive share, deadline mode, one-core server (SERVER_CPUS=1), alternated; the u-*.jsonl
# rows are the same without SERVER_CPUS/CLIENT_CPUS/THREADS and with CAPACITY=1300
set -e
for round in 1 2; do
  for b in base aimd; do
    SERVER_CPUS=1 CLIENT_CPUS=0 THREADS=1 CAPACITY=987 SECONDS_PER_RUN=8 MODES=deadline \
      /tmp/wt-$b/bench/serve/run.sh /work/serve-models/r20.dialnet /tmp/aimd/$b-$round overload 2>&1 | tail -5
  done
done
