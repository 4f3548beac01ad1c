#!/usr/bin/env bash
# docs/BENCHMARKS.md section 12: what the oneDNN cap costs a command's start, on a CPU whose engine is wrong
# uncapped (run with nothing else running). The last case removes the cached verdict before each run.
set -uo pipefail
cd "$(dirname "$0")/../.."
c="./dialnet info --model resnet20 --width 0.5"
hyperfine -N -w 1 -r 5 -n 'DNNL_MAX_CPU_ISA=SSE41 set' "env DNNL_MAX_CPU_ISA=SSE41 $c" 2>&1
hyperfine -N -w 1 -r 5 -n 'unset, verdict cached' "env -u DNNL_MAX_CPU_ISA $c" 2>&1
hyperfine -N -w 0 -r 5 --prepare "sh -c 'rm -f ${XDG_CACHE_HOME:-$HOME/.cache}/dialnet/engine-check-*.txt'" \
  -n 'unset, no verdict cached (child JVM)' "env -u DNNL_MAX_CPU_ISA $c" 2>&1
