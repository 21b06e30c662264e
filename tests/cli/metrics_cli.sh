#!/bin/sh
# `splitleak metrics A B` on 8-bit PNGs (grey and colour) prints scikit-image's SSIM/PSNR/MSE of
# the same files (read with PIL), within 1e-4; identical images give psnr=inf; bad input exits 2,
# huge images (by their headers) before decoding, damaged ones in one line.
set -eu
SL="$1"
DIR="$2"
PY=/usr/bin/python3
. "$(dirname "$0")/expect.sh"
rm -rf "$DIR" && mkdir -p "$DIR"
$PY - "$DIR" <<'PYEOF'
import sys
import numpy as np
from PIL import Image
d = sys.argv[1]
rng = np.random.default_rng(1)
base = (np.add.outer(np.arange(40), np.arange(48)) % 64 * 4).astype(np.uint8)
colour = np.stack([base, base[::-1], base[:, ::-1]], axis=-1)
noisy = lambda a: np.clip(a.astype(int) + rng.integers(-30, 30, a.shape), 0, 255).astype(np.uint8)
Image.fromarray(base).save(f"{d}/grey_a.png")
Image.fromarray(noisy(base)).save(f"{d}/grey_b.png")
Image.fromarray(colour).save(f"{d}/colour_a.png")
Image.fromarray(noisy(colour)).save(f"{d}/colour_b.png")
Image.fromarray(base[:10, :10]).save(f"{d}/tiny.png")
PYEOF
check_pair() {
  "$SL" metrics "$DIR/$1" "$DIR/$2" > "$DIR/out"
  $PY - "$DIR/$1" "$DIR/$2" "$DIR/out" <<'PYEOF'
import sys
import numpy as np
from PIL import Image
from skimage.metrics import mean_squared_error, peak_signal_noise_ratio, structural_similarity
a = np.asarray(Image.open(sys.argv[1]), dtype=np.float64) / 255
b = np.asarray(Image.open(sys.argv[2]), dtype=np.float64) / 255
kw = dict(gaussian_weights=True, sigma=1.5, use_sample_covariance=False, data_range=1)
want = {"ssim": structural_similarity(a, b, channel_axis=-1 if a.ndim == 3 else None, **kw),
        "psnr": peak_signal_noise_ratio(a, b, data_range=1), "mse": mean_squared_error(a, b)}
got = dict(line.strip().split("=") for line in open(sys.argv[3]))
for key, value in want.items():
    assert abs(float(got[key]) - value) <= 1e-4 * max(1, abs(value)), (key, got[key], value)
PYEOF
}
check_pair grey_a.png grey_b.png
check_pair colour_a.png colour_b.png
"$SL" metrics "$DIR/grey_a.png" "$DIR/grey_a.png" | grep -q '^psnr=inf$'
"$SL" metrics "$DIR/grey_a.png" "$DIR/grey_a.png" | grep -q '^ssim=1.000000$'
set +e
"$SL" metrics "$DIR/tiny.png" "$DIR/tiny.png" 2> "$DIR/err"; code1=$?
"$SL" metrics "$DIR/grey_a.png" "$DIR/colour_a.png" 2>> "$DIR/err"; code2=$?
"$SL" metrics "$DIR/grey_a.png" "$DIR/missing.png" 2>> "$DIR/err"; code3=$?
set -e
test "$code1" -eq 2 && test "$code2" -eq 2 && test "$code3" -eq 2
grep -q "at least 11x11" "$DIR/err"
grep -q "missing.png: cannot open: No such file or directory" "$DIR/err"
# Headers stating a huge image (a few bytes on disk) are refused before any decoding; a damaged
# body is one line naming the file, with no decoder's own text.
$PY - "$DIR" <<'PY'
import struct, sys, zlib
d = sys.argv[1]
def chunk(kind, data):
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xffffffff)
ihdr = struct.pack(">IIBBBBB", 20000, 20000, 8, 0, 0, 0, 0)
open(d + "/huge.png", "wb").write(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(b"\0" * 64)) + chunk(b"IEND", b""))
sof = b"\xff\xc0" + struct.pack(">HBHHB", 11, 8, 30000, 30000, 1) + b"\x01\x11\x00"
open(d + "/huge.jpg", "wb").write(b"\xff\xd8" + b"\xff\xe0" + struct.pack(">H", 16) + b"JFIF\0" + b"\0" * 9 + sof + b"\xff\xd9")
good = open(d + "/grey_a.png", "rb").read()
open(d + "/damaged.png", "wb").write(good[:60] + b"\x00" * 40 + good[100:])
PY
expect_code 2 "huge.png: the image is 20000 x 20000 pixels; at most 268435456 pixels are decoded" metrics "$DIR/huge.png" "$DIR/huge.png"
expect_code 2 "huge.jpg: the image is 30000 x 30000 pixels" metrics "$DIR/huge.jpg" "$DIR/grey_a.png"
set +e
"$SL" metrics "$DIR/damaged.png" "$DIR/grey_a.png" > "$DIR/out" 2> "$DIR/err"; code=$?
set -e
test "$code" -eq 2 || { echo "damaged.png: exit $code"; cat "$DIR/err"; exit 1; }
test "$(wc -l < "$DIR/err")" -eq 1 || { echo "damaged.png: more than one line"; cat "$DIR/err"; exit 1; }
grep -q "damaged.png: cannot" "$DIR/err"
echo ok
