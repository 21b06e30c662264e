#!/usr/bin/env bash
# The GPU check (docs/devices.md, "A GPU check"): on a machine with an OpenCL GPU, builds what it
# needs, judges every op of the op table on the GPU against the CPU engine, and times the c-GAN
# step (`splitleak bench cgan-step`) at 256x256 batch 2 and 224x224 batch 8 on the GPU and on this
# machine's CPU. Prints one summary block at the end (lines starting "gpu_check:").
#   bash scripts/gpu_check.sh [opencl:P:D]     (default: the first device `splitleak devices` calls a gpu)
# BUILD (default build) is reused when it holds a build; STEPS (default 5) timed steps each.
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=${BUILD:-build}
STEPS=${STEPS:-5}
if [ ! -x "$BUILD/cli/splitleak" ] || [ ! -x "$BUILD/tests/core_opencl_tests" ]; then
  cmake -S . -B "$BUILD" -G Ninja -DCMAKE_BUILD_TYPE=Release > /dev/null
  cmake --build "$BUILD" -j "$(nproc)" --target splitleak core_opencl_tests
fi
SL="$BUILD/cli/splitleak"
device=${1:-$("$SL" devices | awk '$1 ~ /^opencl:/ && /\(gpu\)/ {print $1; exit}')}
[ -n "$device" ] || { echo "gpu_check: no OpenCL GPU (splitleak devices lists none); give opencl:P:D" >&2; exit 2; }
name=$("$SL" devices | awk -v d="$device" '$1 == d {$1 = ""; sub(/^ +/, ""); print; exit}')

set +e
SPLITLEAK_TEST_DEVICE="$device" "$BUILD/tests/core_opencl_tests" --gtest_filter='Ops/OpenClOps.*' > "$BUILD/gpu_check_ops.log" 2>&1
ops_rc=$?
set -e
ops=$(grep -E '^\[  PASSED  \]|^\[  FAILED  \] [0-9]+ test' "$BUILD/gpu_check_ops.log" | tr '\n' ' ')

time_step() {  # time_step SIZE BATCH [--device D]: ms per step
  "$SL" bench cgan-step --image-size "$1" --feat-channels 64 --batch "$2" --steps "$STEPS" "${@:3}" |
    sed -n 's/^ms_per_step=//p'
}
declare -A ms
for shape in "256 2" "224 8"; do
  set -- $shape
  ms[gpu_$1]=$(time_step "$1" "$2" --device "$device")
  ms[cpu_$1]=$(time_step "$1" "$2")
done

echo "gpu_check: device $device: $name"
echo "gpu_check: op table on the device ($BUILD/gpu_check_ops.log): ${ops:-no summary} (exit $ops_rc)"
for shape in "256 2" "224 8"; do
  set -- $shape
  echo "gpu_check: cgan-step ${1}x${1} batch $2: device ${ms[gpu_$1]} ms, cpu ${ms[cpu_$1]} ms ($(nproc) threads)"
done
exit $ops_rc
