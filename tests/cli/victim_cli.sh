#!/bin/sh
# The victim commands end to end: train-victim writes a model, inspect lists its cuts, forward
# runs it whole and up to a cut (shapes checked with h5py), and bad input exits 2 with a message.
set -eu
SL="$1"
DIR="$2"
PY=/usr/bin/python3
rm -rf "$DIR" && mkdir -p "$DIR"
. "$(dirname "$0")/expect.sh"

"$SL" train-victim --model lenet5 --epochs 1 --limit-train 512 --limit-test 128 --out "$DIR/lenet.h5" --threads 1 \
  > "$DIR/train.out" 2> "$DIR/train.err"
grep -q '^test_accuracy=0\.[0-9]*$' "$DIR/train.out"
grep -q 'epoch 1/1 step 4/4' "$DIR/train.err"
test -f "$DIR/lenet.h5.checkpoint.h5"

"$SL" inspect "$DIR/lenet.h5" > "$DIR/inspect.out"
grep -q '^pool2 *16x5x5' "$DIR/inspect.out"
grep -q 'valid cuts' "$DIR/inspect.out"

$PY -c "import h5py, numpy as np; h5py.File('$DIR/x.h5', 'w')['x'] = np.random.rand(3, 1, 28, 28).astype('float32')"
"$SL" forward --model "$DIR/lenet.h5" --input "$DIR/x.h5" --output "$DIR/y.h5" 2> /dev/null
"$SL" forward --model "$DIR/lenet.h5" --input "$DIR/x.h5" --output "$DIR/f.h5" --cut pool2 --batch-size 2 2> /dev/null
$PY -c "
import h5py
assert h5py.File('$DIR/y.h5')['y'].shape == (3, 10)
assert h5py.File('$DIR/f.h5')['y'].shape == (3, 16, 5, 5)
"

expect_2() {  # expect_2 MESSAGE-FRAGMENT ARGS...: exit code 2 and the fragment on stderr
  fragment="$1"; shift
  set +e
  "$SL" "$@" > /dev/null 2> "$DIR/err"
  code=$?
  set -e
  test "$code" -eq 2 || { echo "exit $code for: $*"; cat "$DIR/err"; exit 1; }
  grep -q "$fragment" "$DIR/err" || { echo "no '$fragment' in:"; cat "$DIR/err"; exit 1; }
}
expect_2 "neither a zoo model" inspect no_such_model
expect_2 "unknown option 'depth'" inspect vgg16:depth=2
expect_2 "the model has no node 'conv9'" forward --model "$DIR/lenet.h5" --input "$DIR/x.h5" --output "$DIR/z.h5" --cut conv9
$PY -c "import h5py, numpy as np; h5py.File('$DIR/bad.h5', 'w')['x'] = np.zeros((2, 3, 28, 28), 'float32')"
expect_2 "the model expects \[-1, 1, 28, 28\]" forward --model lenet5 --input "$DIR/bad.h5" --output "$DIR/z.h5"
expect_2 "no_such.h5" forward --model lenet5 --input "$DIR/no_such.h5" --output "$DIR/z.h5"
# NaN or infinity in an input or in a model file's weights: a warning naming where, or with
# --strict-inputs a refusal (exit 2).
$PY -c "
import h5py, numpy as np, shutil
x = np.random.rand(2, 1, 28, 28).astype('float32'); x[1, 0, 3, 4] = np.nan
h5py.File('$DIR/nan.h5', 'w')['x'] = x
shutil.copy('$DIR/lenet.h5', '$DIR/inf.h5')
with h5py.File('$DIR/inf.h5', 'r+') as f:
    names = sorted(f['weights'], key=int)
    w = f['weights'][names[1]]; v = w[...]; v.flat[7] = np.inf; w[...] = v
"
expect_code 0 "warning: $DIR/nan.h5: /x: 1 of 1568 values are NaN or infinite (the first at index 872)" \
  forward --model "$DIR/lenet.h5" --input "$DIR/nan.h5" --output "$DIR/z.h5"
expect_code 2 "$DIR/nan.h5: /x: 1 of 1568 values are NaN or infinite (the first at index 872); refused under --strict-inputs" \
  forward --model "$DIR/lenet.h5" --input "$DIR/nan.h5" --output "$DIR/z.h5" --strict-inputs
expect_code 0 "warning: $DIR/inf.h5: weight '" inspect "$DIR/inf.h5"
grep -q "1 of 150 values are NaN or infinite (the first at index 7)" "$DIR/err"
expect_code 2 "refused under --strict-inputs" forward --model "$DIR/inf.h5" --input "$DIR/x.h5" --output "$DIR/z.h5" --strict-inputs
# An input the machine cannot hold is refused before it is allocated, with its size.
expect_code 2 "a tensor of shape [1, 3, 60000, 60000] needs 40.2 GiB, more than the" \
  bench forward --model vgg16:input=3x60000x60000 --iters 1
expect_code 2 "input shape '3x100000x100000': each of C, H and W is at most 65536" \
  bench forward --model vgg16:input=3x100000x100000 --iters 1
echo "not a protobuf" > "$DIR/broken.onnx"
expect_2 "broken.onnx: not an ONNX model" inspect "$DIR/broken.onnx"
expect_2 "unknown dataset 'mnist-c'" train-victim --model lenet5 --dataset mnist-c --out "$DIR/m.h5"
# forward reads /x and writes /y a batch at a time: 30,000 images (94 MB of /x and 48 MB of /y)
# pass in a bounded resident size (bench/RESULTS.md, "forward streams"), each row as a small file's run computes it,
# and a run that fails leaves no output and no temporary file behind.
$PY - "$SL" "$DIR" <<'PY'
import h5py, numpy as np, resource, subprocess, sys
sl, d = sys.argv[1], sys.argv[2]
rng = np.random.default_rng(0)
with h5py.File(d + "/big.h5", "w") as f:
    x = f.create_dataset("x", (30000, 1, 28, 28), "float32", chunks=(256, 1, 28, 28))
    for b in range(0, 30000, 5000): x[b:b + 5000] = rng.random((5000, 1, 28, 28), dtype=np.float32)
    h5py.File(d + "/head.h5", "w")["x"] = x[:100]
subprocess.run([sl, "forward", "--model", d + "/lenet.h5", "--input", d + "/big.h5", "--output", d + "/big_y.h5",
                "--cut", "pool2", "--threads", "1"], check=True, stderr=subprocess.DEVNULL)
peak_mib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
assert peak_mib < 160, f"forward of 30,000 images peaked at {peak_mib:.0f} MiB"
subprocess.run([sl, "forward", "--model", d + "/lenet.h5", "--input", d + "/head.h5", "--output", d + "/head_y.h5",
                "--cut", "pool2", "--batch-size", "7", "--threads", "1"], check=True, stderr=subprocess.DEVNULL)
big, head = h5py.File(d + "/big_y.h5")["y"], h5py.File(d + "/head_y.h5")["y"]
assert big.shape == (30000, 16, 5, 5), big.shape
assert np.allclose(big[:100], head[()], rtol=1e-5, atol=1e-6)
PY
rm -f "$DIR/big.h5"
expect_2 "the model expects \[-1, 1, 28, 28\]" forward --model lenet5 --input "$DIR/bad.h5" --output "$DIR/never.h5"
if ls "$DIR"/never.h5* > /dev/null 2>&1; then echo "a failed forward left files behind"; exit 1; fi
echo ok
