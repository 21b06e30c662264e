#!/bin/sh
# Hostile input through every subcommand, class by class (docs/hardening.md): each case is
# refused with exit 2 and one line on stderr, within 20 s (no hang on a FIFO, no signal), without
# replacing what is not a regular file; a few cases that are accepted with a warning are checked
# for that warning. Prints the number of refusals checked, then "ok".
set -eu
SL="$1"
DIR="$2"
PY=/usr/bin/python3
rm -rf "$DIR" && mkdir -p "$DIR"
cases=0

# refused FRAGMENT ARGS...: splitleak ARGS exits 2 in time, saying FRAGMENT in its one stderr line
# (warnings before it, one line each, aside).
refused() {
  fragment="$1"; shift
  set +e
  timeout 20 "$SL" "$@" < /dev/null > "$DIR/out" 2> "$DIR/err"
  code=$?
  set -e
  test "$code" -eq 2 || { echo "exit $code (want 2) for: $*"; head -c 2000 "$DIR/err"; exit 1; }
  grep -v '^splitleak: warning: ' "$DIR/err" > "$DIR/error" || true
  test "$(wc -l < "$DIR/error")" -eq 1 || { echo "not one line for: $*"; head -c 2000 "$DIR/err"; exit 1; }
  test "$(wc -c < "$DIR/error")" -lt 1200 || { echo "a line of $(wc -c < "$DIR/error") bytes for: $*"; exit 1; }
  grep -q -F -- "$fragment" "$DIR/error" || { echo "no '$fragment' for: $*"; cat "$DIR/err"; exit 1; }
  cases=$((cases + 1))
}

# The inputs every case below starts from: a model's input, a key and a sealed file, a run's
# results, an experiment; and the non-regular files that must never be read or replaced.
$PY - "$DIR" <<'PY'
import socket, sys
import h5py, numpy as np
d = sys.argv[1]
with h5py.File(d + "/x.h5", "w") as f:
    f["x"] = np.random.default_rng(0).random((2, 1, 28, 28), dtype=np.float32)
s = socket.socket(socket.AF_UNIX)
s.bind(d + "/socket")
PY
mkfifo "$DIR/fifo"
ln -s /dev/null "$DIR/to_null"
ln -s "$DIR/fifo" "$DIR/to_fifo"
mkdir "$DIR/folder"
"$SL" seal --new-key --key-file "$DIR/key" --model lenet5 --cut pool2 --input "$DIR/x.h5" --output "$DIR/x.sealed" 2> /dev/null
M=$("$SL" seal --key-file "$DIR/key" --model lenet5 --cut pool2 --input "$DIR/x.h5" --output "$DIR/y.sealed" 2> /dev/null |
    sed -n 's/^measurement=//p')
cat > "$DIR/exp.yaml" <<YAML
name: hostile
threads: 1
dataset: {kind: fashion-mnist, aux: 64, test: 16}
victim: {model: lenet5, cuts: [pool2]}
attackers:
  - {kind: inverse_net, steps: 4, batch_size: 8, ngf: 8, stem_channels: 8}
YAML
FWD="forward --model lenet5 --input $DIR/x.h5"

# Class 2: an output that exists and is not a regular file is refused before any work, whatever
# leads to it, and stays as it was.
for target in fifo to_null to_fifo folder socket; do
  refused "$DIR/$target: is a" $FWD --output "$DIR/$target"
  refused "$DIR/$target: is a" seal --key-file "$DIR/key" --measurement "$M" --input "$DIR/x.h5" --output "$DIR/$target"
  refused "$DIR/$target: is a" train-victim --model lenet5 --out "$DIR/$target"
  refused "$DIR/$target: is a" train-victim --model lenet5 --out "$DIR/model.h5" --checkpoint "$DIR/$target"
done
test -p "$DIR/fifo" && test -L "$DIR/to_null" && test -L "$DIR/to_fifo" && test -d "$DIR/folder" && test -S "$DIR/socket"
test -c /dev/null
refused "/proc/x.h5: cannot create /proc/x.h5.tmp" $FWD --output /proc/x.h5
refused "$DIR/absent/y.h5: the folder $DIR/absent does not exist" $FWD --output "$DIR/absent/y.h5"

# Class 3: an input that is not a regular file is refused at once, never read (a FIFO would block).
# (open(2) refuses a socket itself: "No such device or address".)
for input in fifo to_fifo to_null folder socket; do
  P="$DIR/$input"
  refused "$P: " forward --model lenet5 --input "$P" --output "$DIR/y.h5"
  refused "$P: " forward --model lenet5 --cut pool2 --tee process --sealed-input "$P" --key-file "$DIR/key" --output "$DIR/y.h5"
  refused "$P: the key file: " forward --model lenet5 --cut pool2 --tee process --sealed-input "$DIR/x.sealed" --key-file "$P" --output "$DIR/y.h5"
  refused "$P: " seal --key-file "$DIR/key" --measurement "$M" --input "$P" --output "$DIR/z.sealed"
  refused "$P: the key file: " seal --key-file "$P" --measurement "$M" --input "$DIR/x.h5" --output "$DIR/z.sealed"
  refused "$P: " check "$P" --max-ssim 0.5
  refused "$P: " metrics "$P" "$P"
  refused "$P: " run "$P" --dry-run
  refused "$P: " run "$DIR/exp.yaml" --dry-run --set "victim.weights=$P"
done
for ext in h5 onnx; do
  ln -s "$DIR/fifo" "$DIR/fifo.$ext"
  refused "$DIR/fifo.$ext: is a FIFO" inspect "$DIR/fifo.$ext"
  refused "$DIR/fifo.$ext: is a FIFO" forward --model "$DIR/fifo.$ext" --input "$DIR/x.h5" --output "$DIR/y.h5"
done

# Class 4: YAML graphs. Aliases that make a cycle, that expand past the node cap, and a second
# document, in experiment files, --set values and threshold files.
printf 'victim: &v {model: lenet5, cuts: [*v]}\nattackers: [{kind: cgan}]\n' > "$DIR/cycle.yaml"
refused "cycle.yaml:1: malformed YAML: an alias refers to the node it stands inside" run "$DIR/cycle.yaml" --dry-run
printf 'cuts:\n  pool2: &c {max_ssim: [*c]}\n' > "$DIR/cycle_thresholds.yaml"
$PY - "$DIR/laughs.yaml" <<'PY'
import sys
lines = ['a0: &a0 [x, x, x, x, x, x, x, x, x, x]']
lines += [f'a{i}: &a{i} [' + ', '.join([f'*a{i - 1}'] * 10) + ']' for i in range(1, 9)]
open(sys.argv[1], "w").write("\n".join(lines) + "\nvictim: {model: lenet5}\nattackers: [*a8]\n")
PY
test "$(wc -c < "$DIR/laughs.yaml")" -lt 600
refused "laughs.yaml:5: malformed YAML: its aliases expand to more than 100000 nodes" run "$DIR/laughs.yaml" --dry-run
printf 'victim: {model: lenet5}\nattackers: [{kind: cgan}]\n---\nvictim: {model: vgg16}\n' > "$DIR/two.yaml"
refused "two.yaml: holds more than one YAML document" run "$DIR/two.yaml" --dry-run
refused "--set victim.cuts=&a [*a]:1: malformed YAML: an alias refers to the node it stands inside" \
  run "$DIR/exp.yaml" --dry-run --set 'victim.cuts=&a [*a]'
refused "--set seed=a: &a [*a, *a]:1: malformed YAML" run "$DIR/exp.yaml" --dry-run --set 'seed=a: &a [*a, *a]'

# Class 5: counts that size memory or work are bounded where they are parsed, naming the key.
refused "attackers[0].seeds: expected an integer in [1, 1000], got 4611686018427387904" \
  run "$DIR/exp.yaml" --dry-run --set attackers.0.seeds=4611686018427387904
refused "--threads: Value 100000 not in range" run "$DIR/exp.yaml" --dry-run --threads 100000
refused "--threads: Value 100000 not in range" bench forward --model lenet5 --threads 100000
refused "threads: expected an integer in [0, 4096], got 5000" run "$DIR/exp.yaml" --dry-run --set threads=5000
refused "dataset.aux: expected an integer in [2, 100000000]" run "$DIR/exp.yaml" --dry-run --set dataset.aux=100000000000
refused "attackers[0].steps: expected an integer, got '18446744073709551617'" \
  run "$DIR/exp.yaml" --dry-run --set attackers.0.steps=18446744073709551617
refused "work items; a run holds at most 1000000" run "$DIR/exp.yaml" --dry-run --set victim.cuts=all \
  --set "attackers=[$(printf '{kind: inverse_net, seeds: 1000},%.0s' $(seq 1 200)){kind: cgan}]"
"$SL" run "$DIR/exp.yaml" --dry-run --set attackers.0.steps=1000000000 --set attackers.0.seeds=1000 > "$DIR/out"
grep -q '^work: 2 attacked nodes .* 2000000000000 training steps in all' "$DIR/out" || { cat "$DIR/out"; exit 1; }

# Class 6: folder entries that cannot be stat'ed (a link loop, a dangling link) or are no regular
# file are undecodable: named and counted, in the dry run as in the run; past the allowance the
# run is refused and leaves no run directory behind.
mkdir -p "$DIR/images/a" "$DIR/images/b"
$PY - "$DIR/images" <<'PY'
import sys
import numpy as np
from PIL import Image
for c in "ab":
    for i in range(6):
        Image.fromarray((np.random.default_rng(i).random((32, 32, 3)) * 255).astype(np.uint8)).save(f"{sys.argv[1]}/{c}/{i}.png")
PY
ln -s loop.png "$DIR/images/a/loop.png"
ln -s "$DIR/absent.png" "$DIR/images/a/dangling.png"
ln -s "$DIR/fifo" "$DIR/images/b/fifo.png"
FOLDER="dataset={kind: folder, path: $DIR/images, aux: 4, test: 2}"
MODEL="victim={model: 'lenet5:input=3x32x32,classes=2', cuts: [pool2]}"
"$SL" run "$DIR/exp.yaml" --dry-run --set "$FOLDER" --set "$MODEL" > "$DIR/out" 2> "$DIR/err"
grep -q 'cannot decode .*loop.png (Too many levels of symbolic links), skipped' "$DIR/err" || { cat "$DIR/err"; exit 1; }
grep -q 'cannot decode .*dangling.png (No such file or directory), skipped' "$DIR/err"
grep -q 'cannot decode .*fifo.png (not a regular file), skipped' "$DIR/err"
grep -q 'data: 12 images in 2 classes, 3 entries not readable as images' "$DIR/out" || { cat "$DIR/out"; exit 1; }
for i in 1 2 3 4 5 6 7 8; do ln -s "loop$i.png" "$DIR/images/b/loop$i.png"; done
refused "11 undecodable files, more than the allowed 10" run "$DIR/exp.yaml" --dry-run --set "$FOLDER" --set "$MODEL"
set +e
"$SL" run "$DIR/exp.yaml" --out "$DIR/looped" --set "$FOLDER" --set "$MODEL" > /dev/null 2> "$DIR/err"
code=$?
set -e
test "$code" -eq 2 || { echo "a folder of loops: exit $code"; tail -3 "$DIR/err"; exit 1; }
tail -1 "$DIR/err" | grep -q "11 undecodable files"
test ! -e "$DIR/looped" || { echo "a run refused before its work left its directory"; exit 1; }
cases=$((cases + 1))

# Class 7: the dry run opens the devices the run will use.
refused "runtime.gpu.device: cannot open opencl:9:9" run "$DIR/exp.yaml" --dry-run \
  --set runtime.gpu.backend=opencl --set runtime.gpu.device=opencl:9:9
refused "runtime.attack.device: cannot open opencl:0:9" run "$DIR/exp.yaml" --dry-run --set runtime.attack.device=opencl:0:9
mkdir "$DIR/existing" && cp "$DIR/exp.yaml" "$DIR/existing/config.resolved.yaml"
refused "existing: a run directory already; --resume continues it" run "$DIR/exp.yaml" --dry-run --out "$DIR/existing"

# Class 8: messages stay one bounded line, whatever the value; no raw library text.
LONG=$($PY -c 'print("x" * 100000)')
refused "expected one of" run "$DIR/exp.yaml" --dry-run --set "runtime.tee.backend=$LONG"
refused "is neither a zoo model" inspect "$LONG"
refused "is neither a zoo model" forward --model "$($PY -c 'print("m" * 300)')" --input "$DIR/x.h5" --output "$DIR/y.h5"
refused "The following argument was not expected: --no-such-option" inspect lenet5 --no-such-option
refused "(--help lists the options)" forward --model lenet5
echo '[1, 2, 3]' > "$DIR/array.json"
mkdir "$DIR/array_run" && cp "$DIR/array.json" "$DIR/array_run/results.json"
refused "array_run/results.json: not a splitleak results file" report "$DIR/array_run"
refused "array.json: not a splitleak results file (a JSON array, not an object)" check "$DIR/array.json" --max-ssim 0.5
printf '{"schema": "splitleak.results/2", "cuts": 7}' > "$DIR/bad_cuts.json"
refused "bad_cuts.json: malformed results" check "$DIR/bad_cuts.json" --max-ssim 0.5
refused "$DIR/cycle_thresholds.yaml:2: malformed YAML: an alias refers" check "$DIR/array.json" --thresholds "$DIR/cycle_thresholds.yaml"

# Class 9: quiet acceptance. A key file holds the key alone, for its owner alone; a zoo spec names
# each option once; the memory check honours `ulimit -v`.
cp "$DIR/key" "$DIR/key_trailing" && echo "more" >> "$DIR/key_trailing"
refused "key_trailing: the key file: 70 bytes; a key file holds 64 hex digits and a line end" \
  seal --key-file "$DIR/key_trailing" --measurement "$M" --input "$DIR/x.h5" --output "$DIR/z.sealed"
cp "$DIR/key" "$DIR/key_open" && chmod 644 "$DIR/key_open"
refused "key_open: the key file may be read or written by others (mode 0644): \`chmod 600 $DIR/key_open\`" \
  seal --key-file "$DIR/key_open" --measurement "$M" --input "$DIR/x.h5" --output "$DIR/z.sealed"
refused "model 'lenet5:classes=3,classes=4': option 'classes' given twice" inspect lenet5:classes=3,classes=4
set +e
sh -c 'ulimit -v 4000000; exec "$@"' limited "$SL" bench forward --model vgg16:input=3x6000x6000 --iters 1 > "$DIR/out" 2> "$DIR/err"
code=$?
set -e
test "$code" -eq 2 || { echo "ulimit -v: exit $code"; cat "$DIR/err"; exit 1; }
grep -q "of memory available (the address-space limit (ulimit -v))" "$DIR/err" || { cat "$DIR/err"; exit 1; }
cases=$((cases + 1))

echo "$cases refusals checked"
echo ok
