#!/bin/sh
# The experiment commands end to end on a tiny experiment: run writes every file of the run
# directory; a second run gives the same metrics (determinism); a run killed with SIGKILL and
# resumed gives the same metrics; check passes, fails and writes JUnit; report re-renders; bad
# YAML files, a reused run directory and bad thresholds exit 2; the example experiments pass
# --dry-run.
set -eu
SL="$1"
SRC="$2"
DIR="$3"
TON_IOT_SAMPLE="$4"
PY=/usr/bin/python3
rm -rf "$DIR" && mkdir -p "$DIR"

"$SL" train-victim --model lenet5 --epochs 1 --limit-train 2048 --limit-test 256 --out "$DIR/lenet.h5" --threads 1 \
  > /dev/null 2>&1
cat > "$DIR/tiny.yaml" <<YAML
name: tiny
seed: 5
threads: 1
dataset: {kind: fashion-mnist, aux: 128, test: 16}
victim:
  model: lenet5
  weights: $DIR/lenet.h5
  cuts: [relu1, pool2, fc2]
attackers:
  - {kind: cgan, steps: 12, batch_size: 8, ngf: 8, ndf: 8, stem_channels: 8}
  - {kind: inverse_net, steps: 12, batch_size: 8, ngf: 8, stem_channels: 8}
runtime: {latency_iters: 2}
YAML

"$SL" run "$DIR/tiny.yaml" --out "$DIR/a" > "$DIR/a.out" 2> "$DIR/a.err"
grep -q '^recommended_cut=' "$DIR/a.out"
grep -q '^report=.*report.html$' "$DIR/a.out"
for f in config.resolved.yaml results.json results.csv results.h5 report.html log.txt figures/ssim_vs_cut.png \
         figures/psnr_vs_cut.png figures/privacy_vs_latency.png figures/reconstructions_0_relu1.png; do
  test -s "$DIR/a/$f" || { echo "missing $f"; exit 1; }
done
grep -q 'stage cut pool2 took' "$DIR/a/log.txt"
grep -q '^# splitleak [0-9.]*, 1 threads' "$DIR/a/config.resolved.yaml"
$PY - "$DIR/a" <<'PY'
import csv, json, sys, h5py
d = sys.argv[1]
r = json.load(open(d + "/results.json"))
assert r["schema"] == "splitleak.results/1"
assert 0 < r["victim"]["accuracy"] <= 1 and r["victim"]["parameters"] == 61706
assert [c["name"] for c in r["cuts"]] == ["relu1", "pool2", "fc2"]
for c in r["cuts"]:
    assert c["feature_shape"] and c["front_flops"] + c["back_flops"] == r["victim"]["flops"]
    assert [a["attacker"] for a in c["attackers"]] == ["cgan", "inverse_net"]
    for a in c["attackers"]:
        for m in ("ssim", "psnr", "mse", "label_leakage"):
            assert a[m]["low"] <= a[m]["mean"] <= a[m]["high"], (c["name"], m, a[m])
    worst = max(c["attackers"], key=lambda a: a["ssim"]["mean"])
    assert c["worst_attacker"] == worst["attacker"]
    assert c["safe"] == (worst["ssim"]["high"] <= r["privacy"]["threshold"])
    assert c["latency"]["total_ms"] > 0
assert "recommended_cut" in r and r["baselines"]["full_tee_ms"] > 0
rows = list(csv.DictReader(open(d + "/results.csv")))
assert len(rows) == 6 and rows[0]["cut"] == "relu1"
h = h5py.File(d + "/results.h5")
assert h["originals"].shape == (8, 1, 28, 28)
assert h["cuts/0/reconstructions"].shape == (2, 8, 1, 28, 28)
assert h["cuts/1/0_cgan/ssim"].shape == (16,)
PY

# The metrics of results.json without the timings.
metrics() {
  $PY -c "
import json, sys
r = json.load(open(sys.argv[1]))
for c in r['cuts']:
    c.pop('latency')
    for a in c['attackers']: a.pop('train_seconds')
r.pop('baselines')
r.pop('gpu_runtime')
print(json.dumps(r, sort_keys=True))" "$1"
}

# Determinism: a second run, same seed and threads (its latency on the process TEE backend).
"$SL" run "$DIR/tiny.yaml" --out "$DIR/b" --set runtime.tee.backend=process --set runtime.gpu.backend=model \
  > /dev/null 2>&1
test "$(metrics "$DIR/a/results.json")" = "$(metrics "$DIR/b/results.json")" || { echo "two runs differ"; exit 1; }
$PY - "$DIR/a/results.json" "$DIR/b/results.json" <<'PY'
import json, sys
for path, backend in zip(sys.argv[1:], ("sim", "process")):
    r = json.load(open(path))
    assert r["tee_model"]["epc_usable_mib"] == 93 and r["baselines"]["tee_backend"] == backend
    for lat in [c["latency"] for c in r["cuts"]]:
        t = lat["tee"]
        assert lat["tee_backend"] == backend and t["measured"]["compute_ms"] > 0 and t["modelled"]["transition_ms"] > 0
        assert abs(lat["tee_ms"] - t["measured"]["total_ms"] - t["modelled"]["total_ms"]) < 1e-9
        assert lat["gpu_ms"] > 0 and lat["transfer_ms"] > 0
r = json.load(open(sys.argv[2]))
assert r["gpu_runtime"]["backend"] == "model" and "roofline" in r["gpu_runtime"]["note"]
assert r["baselines"]["gpu_backend"] == "model a100-40gb (roofline)"
PY

# SIGKILL once the first (cut, attacker) pair is done and the next is under way, then resume.
"$SL" run "$DIR/tiny.yaml" --out "$DIR/c" --set runtime.gpu.backend=opencl > /dev/null 2>&1 &
pid=$!
i=0
while [ "$(ls "$DIR/c/partial" 2>/dev/null | grep -c 'json$')" -lt 1 ] && [ $i -lt 600 ]; do sleep 0.1; i=$((i + 1)); done
kill -9 $pid
wait $pid 2>/dev/null || true
test ! -f "$DIR/c/results.json" || { echo "the run ended before the kill"; exit 1; }
"$SL" run "$DIR/tiny.yaml" --out "$DIR/c" --resume --set runtime.gpu.backend=opencl > /dev/null 2> "$DIR/c.err"
grep -q 'done before' "$DIR/c.err"
test "$(metrics "$DIR/a/results.json")" = "$(metrics "$DIR/c/results.json")" || { echo "resumed run differs"; exit 1; }
grep -q '"gpu_backend": "opencl:0:0 (pthread' "$DIR/c/results.json"

. "$(dirname "$0")/expect.sh"
expect_code 2 "a run directory already; --resume continues it" run "$DIR/tiny.yaml" --out "$DIR/a"

# check: pass, fail, JUnit, bad input.
expect_code 0 "3 thresholds, 0 violated" check "$DIR/a/results.json" --max-ssim 1 --junit "$DIR/pass.xml"
grep -q 'tests="3" failures="0"' "$DIR/pass.xml"
expect_code 1 "3 thresholds, 3 violated" check "$DIR/a/results.json" --max-ssim 0 --junit "$DIR/fail.xml"
grep -q '<failure message="max_ssim' "$DIR/fail.xml"
$PY -c "import xml.dom.minidom, sys; xml.dom.minidom.parse(sys.argv[1]); xml.dom.minidom.parse(sys.argv[2])" "$DIR/pass.xml" "$DIR/fail.xml"
printf 'cuts:\n  fc2: {max_ssim: 1.0, max_label_leakage: 1.0}\nrecommended_cut_at_most: fc2\n' > "$DIR/ok.yaml"
expect_code 0 "recommended_cut_at_most" check "$DIR/a/results.json" --thresholds "$DIR/ok.yaml"
printf 'cuts:\n  pool2: {max_ssim: 0.0}\n' > "$DIR/strict.yaml"
expect_code 1 "VIOLATED" check "$DIR/a/results.json" --thresholds "$DIR/strict.yaml"
printf 'cuts:\n  fc9: {max_ssim: 0.5}\n' > "$DIR/bad_cut.yaml"
expect_code 2 "did you mean 'fc2'" check "$DIR/a/results.json" --thresholds "$DIR/bad_cut.yaml"
printf 'cuts:\n  fc2: {max_sim: 0.5}\n' > "$DIR/bad_key.yaml"
expect_code 2 "bad_key.yaml:2: cuts.fc2.max_sim: unknown key (did you mean 'max_ssim'?)" check "$DIR/a/results.json" --thresholds "$DIR/bad_key.yaml"
head -c 100 "$DIR/a/results.json" > "$DIR/truncated.json"
expect_code 2 "truncated.json: not valid JSON" check "$DIR/truncated.json" --max-ssim 0.5
expect_code 2 "no results.json" report "$DIR"

# report re-renders from the files alone.
rm "$DIR/a/report.html" "$DIR/a/figures/ssim_vs_cut.png"
expect_code 0 "report=" report "$DIR/a"
test -s "$DIR/a/report.html" && test -s "$DIR/a/figures/ssim_vs_cut.png"
grep -q 'data:image/png;base64,' "$DIR/a/report.html"

# Every bad YAML file of the corpus: exit 2 and its message.
for f in "$SRC"/tests/experiments/bad_yaml/*.yaml; do
  expect_code 2 "$(head -1 "$f" | sed 's/^# expect: //')" run "$f" --out "$DIR/never"
done
expect_code 2 "--set attackers[0].steps: expected an integer >= 1" run "$DIR/tiny.yaml" --dry-run --set attackers.0.steps=0

# The example experiments are valid; their placeholder paths are reported.
for f in "$SRC"/experiments/*.yaml; do
  expect_code 0 "attackers (" run "$f" --dry-run
done
expect_code 0 "dataset.path: no such folder '/data/imagenet/val'" run "$SRC/experiments/imagenet_vgg16.yaml" --dry-run
# With a CSV present the dry run loads the records and checks they fit the victim's input.
expect_code 0 "data: 1600 training and 400 held-out images of [1, 32, 32]" run "$SRC/experiments/ton_iot.yaml" \
  --dry-run --set "dataset.path=$TON_IOT_SAMPLE" --set dataset.aux=1000
expect_code 2 "dataset.aux: 4000 auxiliary images asked for, the train split holds 1600" \
  run "$SRC/experiments/ton_iot.yaml" --dry-run --set "dataset.path=$TON_IOT_SAMPLE"
echo ok
