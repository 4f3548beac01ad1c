#!/usr/bin/env bash
# The GPU path of Dialnet end to end (issue 15), on a machine with an NVIDIA GPU:
#   1. the GPU build (mvn -Dgpu: DJL 0.33.0, libtorch 2.5.1 for CUDA 12.4, onnxruntime_gpu 1.23.2),
#      offline, from a ~/.m2 that already holds it (see docs/gpu/README.md: nothing is downloaded here);
#   2. GpuCheckTest: one ResNet-20 training step on the CPU and on the GPU (same loss within 0.5%),
#      a checkpoint written on the GPU loaded on the CPU, BatchNorm calibration, evaluation and ONNX
#      export of a network on the GPU, data-parallel replicas on the GPU(s), and the DAC 2020 table:
#      four ResNet-18 subnets (224x224) on ONNX Runtime's CUDA execution provider at batch 1 and 128;
#   3. training throughput of resnet20 (batch 128) and resnet18 (224x224, batch 128) on the GPU,
#      and on two GPUs data parallel when there are two.
# Usage: docs/gpu/check-gpu.sh [OUT_DIR]   (default: $OUT, else target-gpu/gpu-check)
# Every result lands in OUT_DIR: env.txt, check.log, gpu-check.json, bench-*.json, summary.md.
# Exit code: 0 when every step passed, 1 when one failed, 2 when the machine cannot run the check.
# CHECK_GPU_DRY_RUN=1 runs every step on the CPU instead, small (how the script was tested without a GPU).
set -uo pipefail
dry="${CHECK_GPU_DRY_RUN:-0}"
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
out="${1:-${OUT:-target-gpu/gpu-check}}"
mkdir -p "$out"
out="$(cd "$out" && pwd)"
log="$out/check.log"
: >"$log"
failed=0
say() { echo "== $*" | tee -a "$log"; }
die() { echo "check-gpu: $*" | tee -a "$log" >&2; exit 2; }

# 0. What this machine is: recorded first, so a failed check still says why.
{
  date -u
  uname -a
  nvidia-smi --query-gpu=index,name,driver_version,memory.total --format=csv 2>&1 || echo "no nvidia-smi"
  java -version 2>&1 || echo "no java"
  mvn -v 2>&1 | head -3 || echo "no mvn"
  ldconfig -p 2>/dev/null | grep -E 'libcudart|libcudnn' || echo "no libcudart/libcudnn in the loader cache"
  nproc
} >"$out/env.txt" 2>&1
command -v java >/dev/null || die "no java on this machine: a JDK 17 is needed"
if [ "$dry" = 1 ]; then
  gpus=0; device=cpu; export DIALNET_GPU_DEVICE=cpu DIALNET_GPU_LATENCY_BATCHES=1
  say "dry run: every step on the CPU"
else
  command -v nvidia-smi >/dev/null || die "no nvidia-smi: not an NVIDIA GPU machine"
  gpus=$(nvidia-smi -L 2>/dev/null | grep -c '^GPU' || true)
  [ "$gpus" -ge 1 ] || die "nvidia-smi lists no GPU"
  device=gpu
fi

# 1. The GPU build, offline. A prepared target-gpu/ (jar + lib/) is used as it is.
if [ ! -f target-gpu/dialnet.jar ] || [ ! -d target-gpu/lib ]; then
  command -v mvn >/dev/null || die "no target-gpu/ and no mvn to build it"
  say "building: mvn -o -Dgpu -DskipTests package"
  mvn -B -q -o -Dgpu -DskipTests package >>"$log" 2>&1 \
    || die "the offline GPU build failed (is the GPU set in ~/.m2? see docs/gpu/README.md); see $log"
fi
native=$(ls target-gpu/lib/pytorch-native-cu124-*.jar 2>/dev/null | head -1)
[ -n "$native" ] || die "target-gpu/lib has no pytorch-native-cu124 jar: not a GPU build"

# DJL uses its CUDA natives only when it can load a libcudart (12.4 or later) by name. Where the
# host has none on the loader path, the CUDA 12.4 runtime bundled in the natives jar is offered.
if [ "$dry" != 1 ] && ! ldconfig -p 2>/dev/null | grep -q 'libcudart\.so '; then
  for d in /usr/local/cuda/lib64 /usr/local/cuda/targets/x86_64-linux/lib; do
    [ -e "$d/libcudart.so" ] && export LD_LIBRARY_PATH="$d:${LD_LIBRARY_PATH:-}" && break
  done
fi
if [ "$dry" != 1 ] && ! ldconfig -p 2>/dev/null | grep -q 'libcudart\.so ' && ! ls "${LD_LIBRARY_PATH%%:*}"/libcudart.so >/dev/null 2>&1; then
  mkdir -p target-gpu/cudart
  (cd target-gpu/cudart && unzip -o -q -j "../../$native" 'pytorch/cu124/linux-x86_64/libcudart-*.so.12' \
    && ln -sf libcudart-*.so.12 libcudart.so) || die "cannot extract libcudart from $native"
  export LD_LIBRARY_PATH="$PWD/target-gpu/cudart:${LD_LIBRARY_PATH:-}"
  say "using the CUDA 12.4 runtime bundled in $native"
fi

# 2. The checks (JUnit, tag gpu): they skip, not pass, when the engine sees no GPU.
say "GpuCheckTest"
if command -v mvn >/dev/null; then
  DIALNET_GPU_OUT="$out" mvn -B -o -Dgpu test -Dtest=GpuCheckTest -Dsurefire.failIfNoSpecifiedTests=false \
    >>"$log" 2>&1 || failed=1
  grep -h "Tests run" target-gpu/surefire-reports/*GpuCheckTest.txt 2>/dev/null | tee -a "$log"
  grep -q "Skipped: 0" target-gpu/surefire-reports/*GpuCheckTest.txt 2>/dev/null || { failed=1; say "GpuCheckTest skipped or failed: see $log"; }
else
  say "no mvn: GpuCheckTest not run"; failed=1
fi

# 3. Training throughput on the GPU (random images; preloaded and through the loader).
bench() {
  local name="$1"; shift
  say "bench training $*"
  DIALNET_GPU=1 DIALNET_MVN_OPTS=-o timeout 900 ./dialnet bench training --json "$@" >"$out/bench-$name.json" 2>>"$log" \
    || { failed=1; say "bench $name failed: see $log"; }
}
if [ "$dry" = 1 ]; then
  bench resnet20 --model resnet20 --strategy individual --batch-size 32 --device cpu --steps 2 --rounds 1
else
  bench resnet20 --model resnet20 --strategy individual --batch-size 128 --device "$device" --steps 50 --rounds 3
  bench resnet20-uniform --model resnet20 --strategy uniform --batch-size 128 --device "$device" --steps 20 --rounds 3
  bench resnet18 --model resnet18 --strategy individual --batch-size 128 --device "$device" --steps 10 --rounds 2
fi
if [ "$gpus" -ge 2 ]; then
  bench resnet18-2gpu --model resnet18 --strategy individual --batch-size 256 --device gpu:0,1 --steps 10 --rounds 2
fi

# 4. A summary for docs/BENCHMARKS.md.
if command -v python3 >/dev/null; then
  python3 - "$out" <<'PY' >"$out/summary.md" 2>>"$log" || failed=1
import json, os, sys
out = sys.argv[1]
env = open(os.path.join(out, "env.txt")).read().splitlines()
print("GPU check of", env[0] if env else "?")
print()
g = json.load(open(os.path.join(out, "gpu-check.json"))) if os.path.exists(os.path.join(out, "gpu-check.json")) else {}
for k in ("device", "engine", "djl", "step_loss_cpu", "step_loss_gpu", "step_max_weight_difference",
          "gpu_checkpoint_loads_on_cpu", "calibrated_statistics_max_difference", "export_logits_max_difference",
          "data_parallel_devices", "data_parallel_equal_within_1e-3"):
    if k in g:
        print(f"- {k}: {g[k]}")
t = g.get("resnet18_onnxruntime_cuda_latency", {})
if t:
    print("\n| ResNet-18 subnet | MACs | p50 ms, batch 1 | p50 ms, batch 128 |\n|---|---|---|---|")
    for name, row in t.items():
        print(f"| {name} | {row['macs']/1e9:.2f} G | {row.get('p50_ms_batch_1', float('nan')):.3f} | {row.get('p50_ms_batch_128', float('nan')):.3f} |")
print("\n| training | preloaded images/s | with loader images/s |\n|---|---|---|")
for f in sorted(os.listdir(out)):
    if f.startswith("bench-") and f.endswith(".json"):
        try:
            b = json.load(open(os.path.join(out, f)))
            print(f"| {b['model']} {b['strategy']} batch {b['batch_size']} on {b.get('device')} | {b['preloaded_images_per_s']:.0f} | {b['loader_images_per_s']:.0f} |")
        except Exception as e:
            print(f"| {f} | unreadable: {e} | |")
PY
  cat "$out/summary.md"
fi
say "done: $([ $failed = 0 ] && echo all passed || echo some step failed), results in $out"
exit $failed
