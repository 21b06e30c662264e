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
COLOUR_SET="$5"
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
  - {kind: cgan, steps: 12, batch_size: 8, ngf: 8, ndf: 8, stem_channels: 8, eval_every: 2}
  - {kind: inverse_net, steps: 12, batch_size: 8, ngf: 8, stem_channels: 8, eval_every: 2}
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
assert r["schema"] == "splitleak.results/2"
assert 0 < r["victim"]["accuracy"] <= 1 and r["victim"]["parameters"] == 61706
assert [c["name"] for c in r["cuts"]] == ["relu1", "pool2", "fc2"]
p = r["privacy"]
assert p["rule"] == "absolute" and p["margin"] == 0.05 and p["tail_ssim"] == 0.5 and p["max_tail_fraction"] is None
# The floor attacks the output node (fc3, not a cut here) with the same attackers.
f = r["floor"]
assert f["node"] == "fc3" and not f["from_cut"] and [a["attacker"] for a in f["attackers"]] == ["cgan", "inverse_net"]
assert f["attacker"] in ("cgan", "inverse_net", "prior")
assert abs(r["label_chance"]["uniform"] - 0.1) < 1e-12 and 0.1 <= r["label_chance"]["majority"] <= 1
def check_interval(i, what):
    assert i["low"] <= i["mean"] <= i["high"], (what, i)
for c in r["cuts"]:
    assert c["feature_shape"] and c["front_flops"] + c["back_flops"] == r["victim"]["flops"]
    assert [a["attacker"] for a in c["attackers"]] == ["cgan", "inverse_net"]
    assert [b["attacker"] for b in c["baselines"]] == ["prior", "mean"]
    assert 0 <= c["distance_correlation"] <= 1
    for a in c["attackers"] + c["baselines"]:
        for m in ("ssim", "psnr", "mse", "label_leakage"):
            check_interval(a[m], (c["name"], a["attacker"], m))
        check_interval(a["tail"]["fraction"], "tail")
    for a in c["attackers"]:
        check_interval(a["beyond_floor"], "beyond_floor")
        assert a["learned"] and len(a["seeds"]) == 1 and a["seeds"][0]["chosen"]
        conv = a["seeds"][0]["convergence"]
        assert conv["steps"] == [2, 4, 6, 8, 10, 12], conv  # every 2 steps; 10 starts the last fifth
        assert a["under_trained"] == (conv["rise"] > p["converged_delta"])
        assert abs(conv["rise"] - (conv["validation_ssim"][-1] - conv["validation_ssim"][conv["steps"].index(10)])) < 1e-12
    # The worst case is the highest upper bound, under each rule.
    for rule, key in (("absolute", "ssim"), ("beyond_output", "beyond_floor")):
        v = c["verdicts"][rule]
        worst = max(c["attackers"], key=lambda a: (a[key]["high"], a[key]["mean"]))
        assert v["worst_attacker"] == worst["attacker"] and v["bound"] == worst[key]["high"], (rule, v)
        limit = p["threshold"] if rule == "absolute" else p["margin"]
        under = any(a["under_trained"] for a in c["attackers"])
        expect = "unsafe" if worst[key]["high"] > limit else "inconclusive" if under else "safe"
        assert v["status"] == expect and worst["attacker"] in v["reason"], (rule, v)
    assert c["status"] == c["verdicts"]["absolute"]["status"] and c["safe"] == (c["status"] == "safe")
    assert c["latency"]["total_ms"] > 0
by_rule = r["recommended_cut_by_rule"]
assert r["recommended_cut"] == by_rule["absolute"] and "beyond_output" in by_rule
assert r["latency_baselines"]["full_tee_ms"] > 0
rows = list(csv.DictReader(open(d + "/results.csv")))
assert len(rows) == 12 and rows[0]["cut"] == "relu1" and [x["role"] for x in rows[:4]] == ["attacker"] * 2 + ["baseline"] * 2
h = h5py.File(d + "/results.h5")
assert h["originals"].shape == (8, 1, 28, 28)
assert h["cuts/0/reconstructions"].shape == (2, 8, 1, 28, 28)
assert h["cuts/1/0_cgan/ssim"].shape == (16,)
assert h["cuts/1/baseline_prior/ssim"].shape == (16,) and h["floor/1_inverse_net/ssim"].shape == (16,)
assert list(h["cuts/1/0_cgan/seed_0/validation_steps"][:]) == [2, 4, 6, 8, 10, 12]
PY
grep -q 'output floor at fc3' "$DIR/a/log.txt"
grep -q 'Decision' "$DIR/a/report.html" && grep -q 'output floor' "$DIR/a/report.html"
test -s "$DIR/a/figures/convergence_0_relu1.png"

# The metrics of results.json without the timings.
metrics() {
  $PY -c "
import json, sys
r = json.load(open(sys.argv[1]))
for c in r['cuts']:
    c.pop('latency')
    for a in c['attackers']: a.pop('train_seconds')
for c in r['defended']:
    c.pop('latency')
    for a in c['attackers']: a.pop('train_seconds')
r.pop('latency_baselines')
r.pop('gpu_runtime')
r.pop('decision')  # it weighs measured latencies
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
    assert r["tee_model"]["epc_usable_mib"] == 93 and r["latency_baselines"]["tee_backend"] == backend
    for lat in [c["latency"] for c in r["cuts"]]:
        t = lat["tee"]
        assert lat["tee_backend"] == backend and t["measured"]["compute_ms"] > 0 and t["modelled"]["transition_ms"] > 0
        assert abs(lat["tee_ms"] - t["measured"]["total_ms"] - t["modelled"]["total_ms"]) < 1e-9
        assert lat["gpu_ms"] > 0 and lat["transfer_ms"] > 0
r = json.load(open(sys.argv[2]))
assert r["gpu_runtime"]["backend"] == "model" and "roofline" in r["gpu_runtime"]["note"]
assert r["latency_baselines"]["gpu_backend"] == "model a100-40gb (roofline)"
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

# Restarts: two seeds of inverse_net at one cut; the one with the better validation SSIM is kept,
# both held-out scores are recorded. An attacker that learns nothing refuses restarts.
"$SL" run "$DIR/tiny.yaml" --out "$DIR/seeds" --set victim.cuts=[pool2] --set attackers.1.seeds=2 > /dev/null 2>&1
$PY - "$DIR/seeds/results.json" "$DIR/a/results.json" <<'PY'
import json, sys
r, a = json.load(open(sys.argv[1])), json.load(open(sys.argv[2]))
inv = r["cuts"][0]["attackers"][1]
seeds = inv["seeds"]
assert len(seeds) == 2 and [s["chosen"] for s in seeds].count(True) == 1, seeds
chosen = max(seeds, key=lambda s: s["validation_ssim"])
assert chosen["chosen"] and chosen["ssim"] == inv["ssim"], (chosen, inv["ssim"])
assert seeds[0]["seed"] != seeds[1]["seed"] and seeds[0]["ssim"] != seeds[1]["ssim"]
assert inv["under_trained"] == any(s["convergence"]["under_trained"] for s in seeds)
PY
expect_code 2 "rmle learns nothing, so restarts cannot differ" run "$DIR/tiny.yaml" --out "$DIR/rmle_seeds" \
  --set victim.cuts=[pool2] --set 'attackers.0={kind: rmle, seeds: 2, iterations: 1}'

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
# The worst case is the highest upper bound, not the highest mean: in this results/1 file cgan
# has the higher mean and stays within 0.3, inverse_net's upper bound crosses it.
cat > "$DIR/v1.json" <<'JSON'
{"schema": "splitleak.results/1", "recommended_cut": null, "cuts": [{"name": "pool2", "attackers": [
 {"attacker": "cgan", "ssim": {"mean": 0.29, "low": 0.28, "high": 0.30}},
 {"attacker": "inverse_net", "ssim": {"mean": 0.25, "low": 0.15, "high": 0.35}}]}]}
JSON
expect_code 1 "inverse_net" check "$DIR/v1.json" --max-ssim 0.3
expect_code 0 "1 thresholds, 0 violated" check "$DIR/v1.json" --max-ssim 0.35
printf 'cuts:\n  pool2: {max_ssim_beyond_output: 0.05}\n' > "$DIR/beyond.yaml"
expect_code 2 "max_ssim_beyond_output needs a splitleak.results/2 results file" check "$DIR/v1.json" --thresholds "$DIR/beyond.yaml"
# results/2: the paired excess over the floor, the tail and inconclusive cuts, each against its
# worst attacker as results.json names it.
$PY - "$DIR/a/results.json" "$DIR" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
c = r["cuts"][1]
excess = max(a["beyond_floor"]["high"] for a in c["attackers"])
tail = max(a["tail"]["fraction"]["high"] for a in c["attackers"])
open(sys.argv[2] + "/v2_pass.yaml", "w").write(
    "cuts:\n  pool2: {max_ssim_beyond_output: %.6f, max_tail_fraction: %.6f}\n" % (min(excess + 1e-4, 1), min(tail + 1e-4, 1)))
open(sys.argv[2] + "/v2_fail.yaml", "w").write("cuts:\n  pool2: {max_ssim_beyond_output: %.6f}\n" % (excess - 1e-3))
for cut in r["cuts"]:
    cut["status"] = "unsafe"
    for a in cut["attackers"]: a["under_trained"] = False
json.dump(r, open(sys.argv[2] + "/converged.json", "w"))
r["cuts"][2]["status"] = "inconclusive"
r["cuts"][2]["attackers"][1]["under_trained"] = True
json.dump(r, open(sys.argv[2] + "/inconclusive.json", "w"))
PY
expect_code 0 "2 thresholds, 0 violated" check "$DIR/a/results.json" --thresholds "$DIR/v2_pass.yaml"
expect_code 1 "max_ssim_beyond_output" check "$DIR/a/results.json" --thresholds "$DIR/v2_fail.yaml"
printf 'fail_on_inconclusive: true\n' > "$DIR/inconclusive.yaml"
expect_code 0 "3 thresholds, 0 violated" check "$DIR/converged.json" --thresholds "$DIR/inconclusive.yaml"
expect_code 1 "inverse_net" check "$DIR/inconclusive.json" --thresholds "$DIR/inconclusive.yaml"
head -c 100 "$DIR/a/results.json" > "$DIR/truncated.json"
expect_code 2 "truncated.json: not valid JSON" check "$DIR/truncated.json" --max-ssim 0.5
expect_code 2 "no results.json" report "$DIR"
expect_code 2 "truncated.json: not valid JSON" check "$DIR/truncated.json" --max-ssim 0.5
! grep -q 'json.exception' "$DIR/err" || { echo "nlohmann-json's exception name reached the user"; exit 1; }
$PY -c "
import json, sys
r = json.load(open(sys.argv[1])); r['cuts'] = []
json.dump(r, open(sys.argv[2], 'w'))" "$DIR/a/results.json" "$DIR/no_cuts.json"
expect_code 2 "no_cuts.json: malformed results: no cuts" check "$DIR/no_cuts.json" --max-ssim 0.5
expect_code 2 "/dev/zero: is a character device, not a regular file" check /dev/zero --max-ssim 0.5
expect_code 2 "--max-ssim: expected a number in [0, 1], not nan" check "$DIR/a/results.json" --max-ssim nan
expect_code 2 "--max-ssim: expected a number in [0, 1], not -1" check "$DIR/a/results.json" --max-ssim -1
expect_code 2 "is a directory, not a regular file" check "$DIR/a/results.json" --max-ssim 1 --junit "$DIR"

# Defences (issue 20): every cut under each defence, attackers trained on its defended features;
# results.json, .csv and .h5 hold every pair; check bounds the defended pairs; the dry run lists
# the defences and counts their nodes.
expect_code 0 "defences (3, each at every cut" run "$DIR/tiny.yaml" --dry-run --set victim.cuts=[pool2,fc2] \
  --set 'defences=[{kind: noise, sigma: 1},{kind: topk, fraction: 0.5}]'
grep -q "none (reference), noise(sigma=1), topk(fraction=0.5)" "$DIR/out"
grep -q "^work: 7 attacked nodes (2 cuts x 3 defences and the output)" "$DIR/out"
"$SL" run "$DIR/tiny.yaml" --out "$DIR/def" --set victim.cuts=[pool2,fc2] \
  --set 'defences=[{kind: noise, sigma: 1},{kind: topk, fraction: 0.5}]' > /dev/null 2>&1
"$SL" run "$DIR/tiny.yaml" --out "$DIR/undef" --set victim.cuts=[pool2,fc2] > /dev/null 2>&1
$PY - "$DIR/def" "$DIR" <<'PY'
import csv, json, sys, h5py
d = sys.argv[1]
r = json.load(open(d + "/results.json"))
# The output floor is the output node's attackers, the same as without defences.
assert r["floor"] == json.load(open(sys.argv[2] + "/undef/results.json"))["floor"], r["floor"]
assert r["defences"] == ["none", "noise(sigma=1)", "topk(fraction=0.5)"], r["defences"]
pairs = [(p["name"], p["defence"]) for p in r["defended"]]
assert pairs == [("pool2", "noise(sigma=1)"), ("fc2", "noise(sigma=1)"),
                 ("pool2", "topk(fraction=0.5)"), ("fc2", "topk(fraction=0.5)")], pairs
for p in r["defended"]:
    assert [a["attacker"] for a in p["attackers"]] == ["cgan", "inverse_net"]
    assert 0 <= p["accuracy"] <= 1 and abs(p["accuracy_drop"] - (r["victim"]["accuracy"] - p["accuracy"])) < 1e-9
    assert p["status"] in ("safe", "unsafe", "inconclusive") and p["latency"]["tee_ms"] > 0
undefended = {c["name"]: c["attackers"][1]["ssim"]["mean"] for c in r["cuts"]}
assert all(p["attackers"][1]["ssim"]["mean"] != undefended[p["name"]] for p in r["defended"])
dec = r["decision"]
assert dec is None or (dec["cut"] in ("pool2", "fc2") and dec["defence"] in r["defences"] and dec["sentence"]), dec
rows = list(csv.DictReader(open(d + "/results.csv")))
assert sorted({(x["cut"], x["defence"]) for x in rows}) == sorted(
    [(c, k) for c in ("pool2", "fc2") for k in r["defences"]]), rows
noisy = [x for x in rows if x["defence"] == "noise(sigma=1)" and x["cut"] == "pool2" and x["role"] == "attacker"]
assert len(noisy) == 2 and abs(float(noisy[0]["accuracy"]) - r["defended"][0]["accuracy"]) < 1e-6
h = h5py.File(d + "/results.h5")
assert h["defended/1/0/0_cgan/ssim"].shape == (16,) and h["defended/2/1/1_inverse_net/ssim"].shape == (16,)
assert h["defended/1/0/reconstructions"].shape == (2, 8, 1, 28, 28)
worst = max(a["ssim"]["high"] for a in r["defended"][0]["attackers"])
drop = r["defended"][0]["accuracy_drop"]
open(sys.argv[2] + "/def_pass.yaml", "w").write(
    'defences:\n  "noise(sigma=1)": {pool2: {max_ssim: %.6f, max_accuracy_drop: %.6f}}\n' % (min(worst + 1e-4, 1), drop + 1e-4))
open(sys.argv[2] + "/def_fail.yaml", "w").write(
    'defences:\n  "*": {"*": {max_ssim: %.6f}}\n' % max(worst - 1e-3, 0))
PY
test -s "$DIR/def/report.html" && grep -q "Defences" "$DIR/def/report.html"
expect_code 0 "2 thresholds, 0 violated" check "$DIR/def/results.json" --thresholds "$DIR/def_pass.yaml"
grep -q "pool2 noise(sigma=1)" "$DIR/out"
expect_code 1 "4 thresholds" check "$DIR/def/results.json" --thresholds "$DIR/def_fail.yaml"
grep -q "VIOLATED" "$DIR/out"
printf 'defences:\n  "noise(sigma=2)": {pool2: {max_ssim: 0.5}}\n' > "$DIR/def_unknown.yaml"
expect_code 2 "thresholds name defence 'noise(sigma=2)', which" check "$DIR/def/results.json" --thresholds "$DIR/def_unknown.yaml"
printf 'cuts:\n  pool2: {max_accuracy_drop: 0.01}\n' > "$DIR/def_undefended.yaml"
expect_code 2 "cuts.pool2.max_accuracy_drop: an undefended cut loses no accuracy" check "$DIR/def/results.json" \
  --thresholds "$DIR/def_undefended.yaml"
expect_code 2 "defences needs a splitleak.results/2 results file" check "$DIR/v1.json" --thresholds "$DIR/def_pass.yaml"

# Defences that fine-tune: nopeek's whole victim with its dCor loss, and a back partition
# fine-tuned on noisy features; each fine-tuned victim is saved in defended/ and a resumed run
# does not train it again. The dry run lists them.
TUNED='defences=[{kind: nopeek, weight: 1},{kind: noise, sigma: 1, finetune: 1}]'
expect_code 0 "fine-tuned at every cut before the attacks" run "$DIR/tiny.yaml" --dry-run --set victim.cuts=[pool2] \
  --set "$TUNED"
grep -q "nopeek(weight=1,finetune=1), noise(sigma=1,finetune=1)$" "$DIR/out"
"$SL" run "$DIR/tiny.yaml" --out "$DIR/tuned" --set victim.cuts=[pool2] --set "$TUNED" > /dev/null 2>&1
test -s "$DIR/tuned/defended/pool2~nopeek_weight_1_finetune_1_.h5"
test -s "$DIR/tuned/defended/pool2~noise_sigma_1_finetune_1_.h5"
grep -q "\[pool2 | nopeek(weight=1,finetune=1)\] fine-tuning: epoch 1/1" "$DIR/tuned/log.txt"
cp "$DIR/tuned/results.json" "$DIR/tuned_first.json"
rm "$DIR/tuned/results.json"
"$SL" run "$DIR/tiny.yaml" --out "$DIR/tuned" --resume --set victim.cuts=[pool2] --set "$TUNED" > /dev/null 2>&1
grep -q "\[pool2 | noise(sigma=1,finetune=1)\] fine-tuned before" "$DIR/tuned/log.txt"
$PY - "$DIR/tuned/results.json" "$DIR/tuned_first.json" <<'PY'
import json, sys
r, first = json.load(open(sys.argv[1])), json.load(open(sys.argv[2]))
assert r["defences"] == ["none", "nopeek(weight=1,finetune=1)", "noise(sigma=1,finetune=1)"], r["defences"]
nopeek, noisy = r["defended"]
# NoPeek lowered the held-out features' distance correlation at the cut.
assert nopeek["distance_correlation"] < r["cuts"][0]["distance_correlation"] - 0.05, (nopeek, r["cuts"][0])
# The fine-tuned victims' accuracies, not the run's victim's, and the same after the resume.
assert nopeek["accuracy"] != r["victim"]["accuracy"] and noisy["accuracy"] != r["victim"]["accuracy"]
for p, q in zip(r["defended"], first["defended"]):
    assert p["accuracy"] == q["accuracy"] and p["attackers"] == q["attackers"], p["defence"]
PY

# Run directories: only the last level is created; a file, or a place nothing can be created, is
# bad input.
expect_code 2 "the folder $DIR/nowhere/a does not exist" run "$DIR/tiny.yaml" --out "$DIR/nowhere/a/b"
test ! -e "$DIR/nowhere"
expect_code 2 "exists and is not a directory" run "$DIR/tiny.yaml" --out "$DIR/a/results.json"
expect_code 2 "/proc/splitleak-run: cannot create the run directory" run "$DIR/tiny.yaml" --out /proc/splitleak-run
# A long value is not echoed back whole.
expect_code 2 "is not a list index" run "$DIR/tiny.yaml" --dry-run --set "attackers.$(printf 'x%.0s' $(seq 1 5000)).steps=3"
test "$(wc -c < "$DIR/err")" -lt 400 || { echo "a 5000-character value was echoed back"; exit 1; }

# report re-renders from the files alone.
rm "$DIR/a/report.html" "$DIR/a/figures/ssim_vs_cut.png"
expect_code 0 "report=" report "$DIR/a"
test -s "$DIR/a/report.html" && test -s "$DIR/a/figures/ssim_vs_cut.png"
grep -q 'data:image/png;base64,' "$DIR/a/report.html"

# Every bad YAML file of the corpus: exit 2 and its message.
for f in "$SRC"/tests/experiments/bad_yaml/*.yaml; do
  expect_code 2 "$(head -1 "$f" | sed 's/^# expect: //')" run "$f" --out "$DIR/never"
done
expect_code 2 "--set attackers[0].steps: expected an integer in [1, 1000000000]" run "$DIR/tiny.yaml" --dry-run --set attackers.0.steps=0
expect_code 2 "'flatten' is not a cut: it only reshapes the layer before it" run "$DIR/tiny.yaml" --dry-run \
  --set "victim.cuts=[pool2, flatten]"
expect_code 2 "victim.weights: has no weight" run "$DIR/tiny.yaml" --dry-run \
  --set "victim.model=vgg16_bn:width=0.125,input=1x32x32,classes=10" --set "victim.cuts=[pool1]"
# An attacker's own settings are checked before any work, named by file and line, and the run
# directory of a run that bad input stopped that early is not left behind.
printf 'victim:\n  model: lenet5\nattackers:\n  - kind: cgan\n    ngf: 0\n' > "$DIR/ngf_zero.yaml"
expect_code 2 "ngf_zero.yaml:5: attackers[0].ngf: expected an integer in [1, 1024], not 0" run "$DIR/ngf_zero.yaml" \
  --out "$DIR/ngf_zero" --set dataset.aux=64 --set dataset.test=8
test ! -e "$DIR/ngf_zero" || { echo "a run stopped by bad input left its directory"; exit 1; }
expect_code 2 "ngf_zero.yaml:5: attackers[0].ngf: expected an integer in [1, 1024], not 0" run "$DIR/ngf_zero.yaml" --dry-run

# The run's peak memory is estimated before anything starts (the attackers' steps measured and
# scaled to their batch): the dry run prints it, a run logs it, and a run that cannot fit is
# refused with the estimate before the victim or the data is touched, leaving no directory.
grep -q 'estimated memory: .* at the peak (attacker step ' "$DIR/a/log.txt"
expect_code 0 "estimated memory: " run "$DIR/tiny.yaml" --dry-run
expect_code 0 'more than is available: `splitleak run` refuses this run (exit 2)' run "$DIR/tiny.yaml" --dry-run \
  --set attackers.1.batch_size=65536 --set attackers.1.ngf=64
expect_code 2 "tiny.yaml: the run needs about " run "$DIR/tiny.yaml" --out "$DIR/too_big" --set attackers.1.batch_size=65536 --set attackers.1.ngf=64
grep -q "available; lower dataset.test" "$DIR/err"
test ! -e "$DIR/too_big" || { echo "a run refused for its memory left its directory"; exit 1; }

# The disk estimate bounds what the run wrote (from above, within 3x); a file system too small for
# it is refused before any work, naming need and free, and leaves no run directory behind (on a
# 1 MiB tmpfs, where the machine lets the test mount one).
$PY - "$DIR/a" <<'PY'
import os, re, sys
d = sys.argv[1]
line = next(l for l in open(d + "/log.txt") if "estimated disk: " in l)
value, unit = re.search(r"estimated disk: ([0-9.]+) (B|KiB|MiB|GiB)", line).groups()
estimate = float(value) * {"B": 1, "KiB": 1 << 10, "MiB": 1 << 20, "GiB": 1 << 30}[unit]
written = sum(os.path.getsize(os.path.join(r, f)) for r, _, fs in os.walk(d) for f in fs)
assert written <= estimate <= 3 * written, (written, estimate, line)
PY
expect_code 0 "estimated disk: " run "$DIR/tiny.yaml" --dry-run

# runtime.features: recompute trains on features the front computes for every batch, stores no
# auxiliary features, and gives the cached run's metrics bit for bit.
"$SL" run "$DIR/tiny.yaml" --out "$DIR/recomputed" --set runtime.features=recompute > /dev/null 2>&1
grep -q "auxiliary features recomputed on every batch" "$DIR/recomputed/log.txt"
test "$(ls "$DIR/recomputed/cache" | wc -l)" -eq 4 || { echo "recompute stored more than the held-out features"; exit 1; }
$PY "$SRC/tests/cli/run_metrics.py" "$DIR/a" > "$DIR/a.metrics"
$PY "$SRC/tests/cli/run_metrics.py" "$DIR/recomputed" > "$DIR/recomputed.metrics"
cmp -s "$DIR/a.metrics" "$DIR/recomputed.metrics" || { echo "recomputed features changed the metrics"; exit 1; }
expect_code 0 "auxiliary features: recomputed by the front on every batch read (runtime.features: recompute)" \
  run "$DIR/tiny.yaml" --dry-run --set runtime.features=recompute

# steps: auto, resumed with a higher max_steps: the items that reached the lower cap still rising
# continue from their checkpoints and end as the run given the higher cap at once; converged
# items are kept; lowering the cap is refused.
AUTO="--set attackers.0.steps=auto --set attackers.1.steps=auto --set attackers.0.min_steps=4 --set attackers.1.min_steps=4 --set victim.cuts=[pool2]"
cap() { echo "--set attackers.0.max_steps=$1 --set attackers.1.max_steps=$1"; }
"$SL" run "$DIR/tiny.yaml" --out "$DIR/auto_low" $AUTO $(cap 6) > /dev/null 2> "$DIR/auto_low.err"
test "$(grep -c 'the cap came first' "$DIR/auto_low.err")" -eq 4 || { cat "$DIR/auto_low.err"; exit 1; }
"$SL" run "$DIR/tiny.yaml" --out "$DIR/auto_high" $AUTO $(cap 60) > /dev/null 2>&1
"$SL" run "$DIR/tiny.yaml" --out "$DIR/auto_low" --resume $AUTO $(cap 60) > /dev/null 2> "$DIR/auto_raised.err"
test "$(grep -c 'still rising at its cap of 6 steps, continues to max_steps 60' "$DIR/auto_raised.err")" -eq 4
test "$(grep -c 'flat again: converged' "$DIR/auto_raised.err")" -eq 4
$PY "$SRC/tests/cli/run_metrics.py" "$DIR/auto_low" > "$DIR/auto_low.metrics"
$PY "$SRC/tests/cli/run_metrics.py" "$DIR/auto_high" > "$DIR/auto_high.metrics"
cmp -s "$DIR/auto_low.metrics" "$DIR/auto_high.metrics" || { echo "a raised cap differs from the cap given at once"; exit 1; }
"$SL" run "$DIR/tiny.yaml" --out "$DIR/auto_low" --resume $AUTO $(cap 80) > /dev/null 2> "$DIR/auto_again.err"
test "$(grep -c 'done before' "$DIR/auto_again.err")" -eq 4 || { echo "converged items were redone"; exit 1; }
expect_code 2 "an automatic budget's max_steps was 80 in the run being resumed; a resume may raise it" \
  run "$DIR/tiny.yaml" --out "$DIR/auto_low" --resume $AUTO $(cap 40)
mkdir -p "$DIR/small"
if mount -t tmpfs -o size=1m tmpfs "$DIR/small" 2> /dev/null; then
  set +e
  "$SL" run "$DIR/tiny.yaml" --out "$DIR/small/run" > "$DIR/out" 2> "$DIR/err"; code=$?
  "$SL" run "$DIR/tiny.yaml" --out "$DIR/small/run" --dry-run > "$DIR/dry.out" 2>&1
  set -e
  test -e "$DIR/small/run" && left=yes || left=no
  umount "$DIR/small"
  test "$code" -eq 2 || { echo "a full tmpfs: exit $code"; tail -3 "$DIR/err"; exit 1; }
  grep -q "the run needs about .* on the file system of $DIR/small/run, which has [0-9.]* [KM]iB free" "$DIR/err" ||
    { tail -2 "$DIR/err"; exit 1; }
  grep -q "more than is free: \`splitleak run\` refuses this run (exit 2)" "$DIR/dry.out" || { cat "$DIR/dry.out"; exit 1; }
  test "$left" = no || { echo "a run refused for its disk left its directory"; exit 1; }
else
  echo "the disk refusal on a tmpfs is not checked: this machine lets no test mount one"
fi

# A dry run answers in seconds however many attackers a file lists: a configuration is timed
# once, and none after the timing budget, which the estimate then says.
$PY - "$DIR/tiny.yaml" "$DIR/many.yaml" <<'PY'
import sys
head = open(sys.argv[1]).read().split("attackers:")[0]
entries = ["  - {kind: inverse_net, steps: 10, batch_size: 8, ngf: %d, stem_channels: 8}" % k for k in range(1, 1001)]
open(sys.argv[2], "w").write(head + "attackers:\n" + "\n".join(entries + entries) + "\nruntime: {latency_iters: 1}\n")
PY
start=$(date +%s)
expect_code 0 "entries repeating one of them" run "$DIR/many.yaml" --dry-run
grep -q "estimated time: at least" "$DIR/out"
test $(( $(date +%s) - start )) -lt 60 || { echo "a dry run of 2,000 attackers took a minute or more"; exit 1; }

# An attacker that optimises each held-out batch (hybrid, gan_prior: after they learn) is planned with its own
# iteration and batch settings (AttackerTraits), whatever its name.
$PY - "$DIR/tiny.yaml" "$DIR/hybrid.yaml" <<'PY'
import sys
head = open(sys.argv[1]).read().split("attackers:")[0]
open(sys.argv[2], "w").write(head + "attackers:\n  - {kind: hybrid, steps: 10, batch_size: 8, ngf: 8, stem_channels: 8, "
                             "refine_iterations: 7, refine_batch_size: 4}\n"
                             "  - {kind: gan_prior, steps: 10, batch_size: 8, ngf: 8, ndf: 8, iterations: 5, "
                             "search_batch_size: 3}\n")
PY
expect_code 0 "hybrid: 10 steps, batch 8, 1 seed, validation SSIM every 1 steps, optimises each held-out batch of 4 for 7 iterations" \
  run "$DIR/hybrid.yaml" --dry-run
grep -q "gan_prior: 10 steps, batch 8, 1 seed, validation SSIM every 1 steps, optimises each held-out batch of 3 for 5 iterations" "$DIR/out"

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

# TON_IoT end to end: every attacker's and baseline's reconstructions decode back into records,
# scored in results.json, results.csv and the report; white-box rMLE at the first layer recovers
# the categorical fields better than the mean record does.
cat > "$DIR/ton.yaml" <<YAML
name: ton
seed: 3
threads: 1
dataset: {kind: ton-iot, path: $TON_IOT_SAMPLE, aux: 128, test: 32, target: type}
victim: {model: "lenet5:input=1x12x12,classes=10", cuts: [conv1, pool2]}
attackers:
  - {kind: inverse_net, steps: 12, batch_size: 8, ngf: 8, stem_channels: 8, eval_every: 4}
  - {kind: rmle, iterations: 150}
runtime: {latency_iters: 1}
YAML
"$SL" run "$DIR/ton.yaml" --out "$DIR/ton" > "$DIR/ton.out" 2> "$DIR/ton.err" || { cat "$DIR/ton.err"; exit 1; }
grep -q 'target: type' "$DIR/ton/config.resolved.yaml"
grep -q 'log_scale: \[duration, src_bytes' "$DIR/ton/config.resolved.yaml"
grep -q 'Record recovery' "$DIR/ton/report.html"
$PY - "$DIR/ton" <<'PY'
import csv, json, sys
run = sys.argv[1]
doc = json.load(open(run + "/results.json"))
for cut in doc["cuts"]:
    for a in cut["attackers"] + cut["baselines"]:
        r = a["records"]
        for key in ("numeric_mae_scaled", "categorical_accuracy"):
            i = r[key]
            assert 0 <= i["low"] <= i["mean"] <= i["high"] <= 1, (cut["name"], a["attacker"], key, i)
        assert "src_bytes" in r["numeric_mae"] and "dst_port" in r["numeric_mae"], r["numeric_mae"].keys()
first = doc["cuts"][0]
rmle = next(a for a in first["attackers"] if a["attacker"] == "rmle")["records"]
mean = next(b for b in first["baselines"] if b["attacker"] == "mean")["records"]
assert rmle["categorical_accuracy"]["mean"] > mean["categorical_accuracy"]["mean"], (rmle, mean)
assert rmle["numeric_mae_scaled"]["mean"] < mean["numeric_mae_scaled"]["mean"], (rmle, mean)
rows = list(csv.DictReader(open(run + "/results.csv")))
assert rows and all(row["record_categorical_accuracy"] != "" for row in rows), rows[0]
PY
grep -q '"records"' "$DIR"/ton/partial/conv1.1.rmle.json

# A full disk (a file size limit, with SIGXFSZ ignored so that writes past it fail with EFBIG as
# on a full disk): the failed writes are reported by pair with the system's reason, the run exits 1 without a crash and
# leaves no temporary file; a --resume still short of room does the same; once there is room,
# --resume completes it with the uninterrupted run's metrics.
full_run() { sh -c 'trap "" XFSZ; ulimit -f 600; exec "$@"' full_run "$SL" run "$DIR/tiny.yaml" --out "$DIR/full" "$@"; }
for attempt in first resume; do
  set +e
  if [ $attempt = first ]; then full_run > /dev/null 2> "$DIR/full.err"; else full_run --resume > /dev/null 2> "$DIR/full.err"; fi
  code=$?
  set -e
  test "$code" -eq 1 || { echo "a full disk ($attempt): exit $code"; tail -5 "$DIR/full.err"; exit 1; }
  grep -q "cannot write HDF5: File too large" "$DIR/full.err" || { echo "a full disk ($attempt): no message"; tail -5 "$DIR/full.err"; exit 1; }
  test -z "$(find "$DIR/full" -name '*.tmp[0-9]*')" || { echo "a full disk left temporary files"; exit 1; }
done
"$SL" run "$DIR/tiny.yaml" --out "$DIR/full" --resume > /dev/null 2> "$DIR/full.err"
$PY "$SRC/tests/cli/run_metrics.py" "$DIR/a" > "$DIR/a.metrics"
$PY "$SRC/tests/cli/run_metrics.py" "$DIR/full" > "$DIR/full.metrics"
cmp -s "$DIR/a.metrics" "$DIR/full.metrics" || { echo "the run resumed after a full disk differs"; exit 1; }

# A flat folder of unlabelled images (CelebA-style): the attacks run and label leakage (the
# victim's own top-1, no labels needed) is scored; the victim's accuracy is not applicable, and
# training a victim on it is refused.
mkdir -p "$DIR/flat" && cp "$COLOUR_SET"/*/* "$DIR/flat/"
cat > "$DIR/flat.yaml" <<YAML
name: flat
seed: 2
threads: 1
dataset: {kind: folder, path: $DIR/flat, aux: 64, test: 16}
victim: {model: "lenet5:input=3x32x32,classes=10", cuts: [pool1]}
attackers:
  - {kind: inverse_net, steps: 8, batch_size: 8, ngf: 8, stem_channels: 8, eval_every: 4}
runtime: {latency_iters: 1}
YAML
"$SL" run "$DIR/flat.yaml" --out "$DIR/flat_run" > "$DIR/flat.out" 2> "$DIR/flat.err" || { cat "$DIR/flat.err"; exit 1; }
grep -q 'accuracy n/a (no labels)' "$DIR/flat_run/log.txt"
grep -q 'not applicable (the images have no labels)' "$DIR/flat_run/report.html"
$PY - "$DIR/flat_run" <<'PY'
import json, sys
doc = json.load(open(sys.argv[1] + "/results.json"))
assert doc["victim"]["accuracy"] is None, doc["victim"]
leak = doc["cuts"][0]["attackers"][0]["label_leakage"]
assert 0 <= leak["low"] <= leak["mean"] <= leak["high"] <= 1, leak
PY
expect_code 2 "victim.train: the dataset folder:$DIR/flat has no labels" run "$DIR/flat.yaml" --out "$DIR/never" \
  --set "victim.train={epochs: 1}"

# Data at scale: with runtime.data_in_memory_mib 0 the folder's images, the auxiliary images and
# the auxiliary features stay in their HDF5 files in cache/ and are read a batch at a time; the
# metrics are bit-identical to the run that held them in memory.
"$SL" run "$DIR/flat.yaml" --out "$DIR/flat_disk" --set runtime.data_in_memory_mib=0 > /dev/null 2> "$DIR/flat_disk.err" \
  || { cat "$DIR/flat_disk.err"; exit 1; }
ls "$DIR"/flat_disk/cache/images-*.h5 > /dev/null
grep -q 'decoding folder:.*, held-out split, into its image store' "$DIR/flat_disk/log.txt"
$PY "$SRC/tests/cli/run_metrics.py" "$DIR/flat_run" > "$DIR/flat_run.metrics"
$PY "$SRC/tests/cli/run_metrics.py" "$DIR/flat_disk" > "$DIR/flat_disk.metrics"
cmp -s "$DIR/flat_run.metrics" "$DIR/flat_disk.metrics" || { echo "rows read from disk changed the metrics"; exit 1; }

# train-victim on a folder: decoded once into image stores in --data-cache (only the images the
# limits keep), trained from disk by batches with --data-in-memory-mib 0, with the same accuracy
# as from memory; a second run reuses the stores.
tv() {  # tv NAME ARGS...: train-victim on the colour folder, test_accuracy into NAME.acc
  name="$1"; shift
  "$SL" train-victim --model "lenet5:input=3x32x32,classes=7" --dataset "folder:$COLOUR_SET" --epochs 1 \
    --batch-size 16 --limit-train 96 --limit-test 32 --threads 1 --out "$DIR/$name.h5" "$@" \
    > "$DIR/$name.out" 2> "$DIR/$name.err" || { cat "$DIR/$name.err"; exit 1; }
  grep '^test_accuracy=' "$DIR/$name.out" > "$DIR/$name.acc"
}
tv tv_memory
test -d "$DIR/tv_memory.h5.data"
tv tv_disk --data-cache "$DIR/tv_stores" --data-in-memory-mib 0
grep -q 'decoding folder:.*, training split, into its image store: 96/96' "$DIR/tv_disk.err"
test "$(ls "$DIR"/tv_stores/images-*.h5 | wc -l)" -eq 2
cmp -s "$DIR/tv_memory.acc" "$DIR/tv_disk.acc" || { echo "train-victim from disk differs from memory"; exit 1; }
tv tv_again --data-cache "$DIR/tv_stores" --data-in-memory-mib 0
if grep -q 'decoding folder' "$DIR/tv_again.err"; then echo "train-victim decoded its stores again"; exit 1; fi
cmp -s "$DIR/tv_memory.acc" "$DIR/tv_again.acc" || { echo "train-victim from reused stores differs"; exit 1; }

echo ok
