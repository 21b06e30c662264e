#!/bin/sh
# The project's own privacy gate, run by `make test` (ctest: ci.privacy_gate) the way docs/ci.md
# tells users to gate theirs: a LeNet-5 victim trained from a fixed seed, a small leakage
# experiment (.ci/leakage.yaml), then `splitleak check` against the committed
# .ci/thresholds.yaml with JUnit output (OUT/privacy-gate.xml). Then the gate is shown to bite:
# the same results against a threshold tightened just below the measured value must exit 1.
# usage: privacy_gate.sh SPLITLEAK OUT_DIR
set -eu
SL="$1"
OUT="$2"
HERE="$(cd "$(dirname "$0")" && pwd)"
rm -rf "$OUT" && mkdir -p "$OUT"

"$SL" train-victim --model lenet5 --epochs 1 --limit-train 4096 --limit-test 512 --seed 0 --threads 2 \
  --out "$OUT/lenet5.h5" > /dev/null 2> "$OUT/victim.err"
sed "s|VICTIM|$OUT/lenet5.h5|" "$HERE/leakage.yaml" > "$OUT/leakage.yaml"
"$SL" run "$OUT/leakage.yaml" --out "$OUT/run" > /dev/null 2> "$OUT/run.err"

# The gate: every committed threshold holds.
"$SL" check "$OUT/run/results.json" --thresholds "$HERE/thresholds.yaml" --junit "$OUT/privacy-gate.xml"
grep -q '<testsuite' "$OUT/privacy-gate.xml"

# The gate bites: fc2's worst-case SSIM bound (the highest upper bound over attackers) minus
# 0.01 as the limit must fail with exit 1 and a failure in the JUnit file.
/usr/bin/python3 - "$OUT/run/results.json" "$OUT/tightened.yaml" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
cut = next(c for c in r["cuts"] if c["name"] == "fc2")
bound = max(a["ssim"]["high"] for a in cut["attackers"])
open(sys.argv[2], "w").write("cuts:\n  fc2: {max_ssim: %.6f}\n" % (bound - 0.01))
PY
code=0
"$SL" check "$OUT/run/results.json" --thresholds "$OUT/tightened.yaml" --junit "$OUT/tightened.xml" \
  > "$OUT/tightened.out" || code=$?
test $code -eq 1 || { echo "a threshold below the measured value gave exit $code, not 1"; exit 1; }
grep -q '<failure' "$OUT/tightened.xml"
echo ok
