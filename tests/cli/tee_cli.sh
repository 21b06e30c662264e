#!/bin/sh
# The client's sealed path end to end: seal with a new key, forward through the process enclave,
# and the same /y as a plain forward of the front partition; the measurement printed by both
# sides; a wrong key, a damaged sealed file, inputs sealed for another cut, a sealed file cut
# short, batches spliced in from another file sealed with the same key, reordered or replayed
# batches, and an input the partition does not take exit 2 with the reason.
set -eu
SL="$1"
DIR="$2"
PY=/usr/bin/python3
rm -rf "$DIR" && mkdir -p "$DIR"
MODEL="vgg16:width=0.25,input=3x32x32,classes=10"

$PY - "$DIR/x.h5" <<'PY'
import sys, h5py, numpy as np
with h5py.File(sys.argv[1], "w") as f:
    f["x"] = np.random.default_rng(3).random((5, 3, 32, 32), dtype=np.float32)
PY

"$SL" seal --new-key --key-file "$DIR/client.key" --model "$MODEL" --cut pool3 --input "$DIR/x.h5" \
  --output "$DIR/x.sealed" --batch-size 2 > "$DIR/seal.out"
grep -q '^batches=3$' "$DIR/seal.out"
M=$(sed -n 's/^measurement=//p' "$DIR/seal.out")
test ${#M} -eq 64
"$SL" forward --model "$MODEL" --cut pool3 --tee process --sealed-input "$DIR/x.sealed" --key-file "$DIR/client.key" \
  --output "$DIR/y_sealed.h5" > "$DIR/fwd.out"
grep -q "^measurement=$M\$" "$DIR/fwd.out"
"$SL" forward --model "$MODEL" --cut pool3 --tee sim --input "$DIR/x.h5" --output "$DIR/y_sim.h5" --batch-size 2 > /dev/null
"$SL" forward --model "$MODEL" --cut pool3 --input "$DIR/x.h5" --output "$DIR/y_plain.h5" --batch-size 2 2> /dev/null
$PY - "$DIR" <<'PY'
import sys, h5py, numpy as np
d = sys.argv[1]
plain = h5py.File(d + "/y_plain.h5")["y"][()]
assert plain.shape == (5, 64, 4, 4), plain.shape
for name in ("y_sealed", "y_sim"):
    y = h5py.File(d + "/" + name + ".h5")["y"][()]
    assert np.array_equal(y, plain), name
PY

. "$(dirname "$0")/expect.sh"
FWD="forward --model $MODEL --tee process --output $DIR/never.h5"
"$SL" seal --new-key --key-file "$DIR/other.key" --measurement "$M" --input "$DIR/x.h5" --output "$DIR/other.sealed" > /dev/null
expect_code 2 "does not authenticate" $FWD --cut pool3 --sealed-input "$DIR/x.sealed" --key-file "$DIR/other.key"
# Files that never end are refused from their first bytes, not read into memory.
expect_code 2 "/dev/zero: is a character device" $FWD --cut pool3 --sealed-input /dev/zero --key-file "$DIR/client.key"
expect_code 2 "/dev/zero: the key file: is a character device" seal --key-file /dev/zero --measurement "$M" --input "$DIR/x.h5" --output "$DIR/never.sealed"
expect_code 2 "sealed for the partition measured $M" $FWD --cut pool2 --sealed-input "$DIR/x.sealed" --key-file "$DIR/client.key"
$PY - "$DIR/x.sealed" "$DIR/flipped.sealed" <<'PY'
import sys
b = bytearray(open(sys.argv[1], "rb").read())
b[len(b) // 2] ^= 0x04
open(sys.argv[2], "wb").write(b)
PY
expect_code 2 "batch 1: TEE (process backend): the enclave refused: sealed input rejected" \
  $FWD --cut pool3 --sealed-input "$DIR/flipped.sealed" --key-file "$DIR/client.key"
head -c 100 "$DIR/x.sealed" > "$DIR/short.sealed"
expect_code 2 "truncated sealed file" $FWD --cut pool3 --sealed-input "$DIR/short.sealed" --key-file "$DIR/client.key"
# The sealed messages of a file, rewritten: keep (file, message) pairs in a new order.
"$SL" seal --key-file "$DIR/client.key" --measurement "$M" --input "$DIR/x.h5" --output "$DIR/second.sealed" \
  --batch-size 2 > /dev/null
resealed() {
  $PY - "$@" <<'PY'
import struct, sys
def messages(path):
    b = open(path, "rb").read()
    assert b[:8] == b"SLSEALF1"
    count, at, out = struct.unpack_from("<Q", b, 8)[0], 16, []
    for _ in range(count):
        n = struct.unpack_from("<Q", b, at)[0]
        out.append(b[at + 8:at + 8 + n])
        at += 8 + n
    return out
files = {"x": messages(sys.argv[1]), "second": messages(sys.argv[2])}
picked = [files[p.split(":")[0]][int(p.split(":")[1])] for p in sys.argv[4:]]
with open(sys.argv[3], "wb") as f:
    f.write(b"SLSEALF1" + struct.pack("<Q", len(picked)))
    for m in picked:
        f.write(struct.pack("<Q", len(m)) + m)
PY
}
resealed "$DIR/x.sealed" "$DIR/second.sealed" "$DIR/cut_short.sealed" x:0 x:1
expect_code 2 "cut_short.sealed: the sealed stream stops after 2 batches without its final one (truncated)" \
  $FWD --cut pool3 --sealed-input "$DIR/cut_short.sealed" --key-file "$DIR/client.key"
resealed "$DIR/x.sealed" "$DIR/second.sealed" "$DIR/spliced.sealed" x:0 second:1 x:2
expect_code 2 "batch 1: TEE (process backend): the enclave refused: sealed input rejected: it belongs to another stream" \
  $FWD --cut pool3 --sealed-input "$DIR/spliced.sealed" --key-file "$DIR/client.key"
resealed "$DIR/x.sealed" "$DIR/second.sealed" "$DIR/reordered.sealed" x:1 x:0 x:2
expect_code 2 "batch 0: TEE (process backend): the enclave refused: sealed input rejected: sequence number 1, expected 0" \
  $FWD --cut pool3 --sealed-input "$DIR/reordered.sealed" --key-file "$DIR/client.key"
resealed "$DIR/x.sealed" "$DIR/second.sealed" "$DIR/replayed.sealed" x:0 x:0 x:1 x:2
expect_code 2 "batch 1: TEE (process backend): the enclave refused: sealed input rejected: sequence number 0, expected 1" \
  $FWD --cut pool3 --sealed-input "$DIR/replayed.sealed" --key-file "$DIR/client.key"
resealed "$DIR/x.sealed" "$DIR/second.sealed" "$DIR/past_end.sealed" x:0 x:1 x:2 second:2
expect_code 2 "batch 3: TEE (process backend): the enclave refused: sealed input rejected: the stream has ended" \
  $FWD --cut pool3 --sealed-input "$DIR/past_end.sealed" --key-file "$DIR/client.key"
expect_code 2 "/x is [5, 3, 32, 32], the partition takes (N, [3, 64, 64])" seal --key-file "$DIR/client.key" \
  --model "vgg16:width=0.25,input=3x64x64,classes=10" --cut pool3 --input "$DIR/x.h5" --output "$DIR/never.sealed"
expect_code 2 "--tee runs the front partition: give --cut" $FWD --input "$DIR/x.h5"
expect_code 2 "a key file is never overwritten" seal --new-key --key-file "$DIR/client.key" --measurement "$M" \
  --input "$DIR/x.h5" --output "$DIR/never.sealed"
expect_code 2 "expected 64 hex digits" seal --key-file "$DIR/client.key" --measurement abc --input "$DIR/x.h5" \
  --output "$DIR/never.sealed"
echo ok
