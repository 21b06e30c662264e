#!/bin/sh
# The OpenCL side on the command line: devices lists PoCL's device; the split inference (front in
# the process enclave, back on OpenCL) gives the CPU engine's logits within 1e-4; the whole model
# on OpenCL likewise; no OpenCL platform and a kernel build failure exit 2 with the reason (and
# the build log).
set -eu
SL="$1"
DIR="$2"
PY=/usr/bin/python3
rm -rf "$DIR" && mkdir -p "$DIR"
MODEL="resnet50:width=0.25,input=3x32x32,classes=10"

"$SL" devices > "$DIR/devices.out"
grep -q '^opencl:0:0  *pthread' "$DIR/devices.out"

$PY - "$DIR/x.h5" <<'PY'
import sys, h5py, numpy as np
with h5py.File(sys.argv[1], "w") as f:
    f["x"] = np.random.default_rng(5).random((3, 3, 32, 32), dtype=np.float32)
PY
"$SL" forward --model "$MODEL" --input "$DIR/x.h5" --output "$DIR/cpu.h5" 2> /dev/null
"$SL" forward --model "$MODEL" --cut layer2.1 --tee process --device opencl --input "$DIR/x.h5" \
  --output "$DIR/split.h5" > "$DIR/split.out" 2> /dev/null
grep -q '^gpu_kernels_ms=' "$DIR/split.out"
grep -q '^measurement=' "$DIR/split.out"
"$SL" forward --model "$MODEL" --device opencl:0:0 --input "$DIR/x.h5" --output "$DIR/whole.h5" --batch-size 2 \
  > "$DIR/whole.out" 2> /dev/null
grep -q '^gpu_kernels_ms=' "$DIR/whole.out"
$PY - "$DIR" <<'PY'
import sys, h5py, numpy as np
d = sys.argv[1]
cpu = h5py.File(d + "/cpu.h5")["y"][()]
assert cpu.shape == (3, 10), cpu.shape
for name in ("split", "whole"):
    y = h5py.File(d + "/" + name + ".h5")["y"][()]
    err = np.abs(y - cpu).max() / np.abs(cpu).max()
    assert err < 1e-4, (name, err)
PY

. "$(dirname "$0")/expect.sh"
expect_exit 2 "no OpenCL platform or device is installed" env OCL_ICD_VENDORS="$DIR/no-vendors" "$SL" devices
expect_exit 2 "no OpenCL platform or device is installed" env OCL_ICD_VENDORS="$DIR/no-vendors" \
  "$SL" forward --model lenet5 --device opencl --input "$DIR/x.h5" --output "$DIR/never.h5"
expect_exit 2 "the OpenCL kernels failed to build" env SPLITLEAK_OPENCL_BUILD_OPTIONS="-Dget_global_id=no_such_function" \
  "$SL" forward --model "$MODEL" --device opencl --input "$DIR/x.h5" --output "$DIR/never.h5"
grep -q "build log:" "$DIR/err"
test ! -e "$DIR/never.h5"
expect_code 2 "platform 0 has no device 7" forward --model lenet5 --device opencl:0:7 --input "$DIR/x.h5" \
  --output "$DIR/never.h5"
expect_code 2 "expected cpu, opencl or opencl:PLATFORM:DEVICE" forward --model lenet5 --device cuda \
  --input "$DIR/x.h5" --output "$DIR/never.h5"
echo ok
