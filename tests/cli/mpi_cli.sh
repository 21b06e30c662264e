#!/bin/sh
# `splitleak run` over MPI ranks (docs/cluster.md) on a 2-cut, 2-attacker, 2-seed experiment:
# - under `mpirun -n 2` the per-image metrics (every array of results.h5) and results.json's
#   metrics are bit-identical to the single-process run's, and both ranks did work;
# - a job killed (SIGKILL to every rank) mid-sweep resumes with `mpirun -n 1 ... --resume`,
#   recomputes none of the finished pairs and ends with the same metrics;
# - a pair that fails (its score file cannot be written) is reported by pair while the others
#   finish; the job exits 1 and --resume completes it;
# - a defence that fine-tunes the victim (nopeek) is fine-tuned on rank 0 and its weights reach
#   rank 1: two ranks give the single process's metrics.
set -eu
SL="$1"
DIR="$2"
PY=/usr/bin/python3
MPIRUN="mpirun --oversubscribe --allow-run-as-root --mca btl self,vader"
rm -rf "$DIR" && mkdir -p "$DIR"

"$SL" train-victim --model lenet5 --epochs 1 --limit-train 1024 --limit-test 128 --out "$DIR/lenet.h5" --threads 1 \
  > /dev/null 2>&1
cat > "$DIR/sweep.yaml" <<YAML
name: sweep
seed: 9
threads: 1
dataset: {kind: fashion-mnist, aux: 128, test: 16}
victim: {model: lenet5, weights: $DIR/lenet.h5, cuts: [pool2, fc2]}
attackers:
  - {kind: cgan, steps: 16, batch_size: 8, ngf: 8, ndf: 8, stem_channels: 8, eval_every: 4, seeds: 2}
  - {kind: inverse_net, steps: 16, batch_size: 8, ngf: 8, stem_channels: 8, eval_every: 4, seeds: 2}
runtime: {latency_iters: 2}
YAML

# Every metric of a run: results.json without timings, then every array of results.h5.
metrics() { $PY "$(dirname "$0")/run_metrics.py" "$1"; }

"$SL" run "$DIR/sweep.yaml" --out "$DIR/one" > /dev/null 2> "$DIR/one.err"
metrics "$DIR/one" > "$DIR/one.metrics"

# Two ranks: the same metrics; rank 0 wrote the results, rank 1 its own log and some pairs.
$MPIRUN -n 2 "$SL" run "$DIR/sweep.yaml" --out "$DIR/two" > "$DIR/two.out" 2> "$DIR/two.err"
test "$(grep -c '^recommended_cut=' "$DIR/two.out")" -eq 1 || { echo "the summary is not printed once"; exit 1; }
metrics "$DIR/two" > "$DIR/two.metrics"
cmp -s "$DIR/one.metrics" "$DIR/two.metrics" || { echo "two ranks differ from one process"; exit 1; }
grep -q 'done on rank 1\|on rank 1 (' "$DIR/two/log.txt" || { echo "rank 1 did no pair"; exit 1; }
grep -q 'on rank 0 (' "$DIR/two/log.txt" || { echo "rank 0 did no pair"; exit 1; }
test -s "$DIR/two/log.rank-1.txt"
grep -q 'rank 1/2: ' "$DIR/two.err"

# Killed mid-sweep (every rank, SIGKILL) once three pairs are done, resumed on one rank.
$MPIRUN -n 2 "$SL" run "$DIR/sweep.yaml" --out "$DIR/killed" > /dev/null 2>&1 &
job=$!
i=0
while [ "$(ls "$DIR/killed/partial" 2>/dev/null | grep -c 'json$')" -lt 3 ] && [ $i -lt 1200 ]; do sleep 0.05; i=$((i + 1)); done
pkill -9 -f -- "--out $DIR/killed" || true
wait $job 2>/dev/null || true
test ! -f "$DIR/killed/results.json" || { echo "the job ended before the kill"; exit 1; }
finished=$(ls "$DIR/killed/partial" | grep -c 'json$')
test "$finished" -lt 12 || { echo "every pair finished before the kill"; exit 1; }
$MPIRUN -n 1 "$SL" run "$DIR/sweep.yaml" --out "$DIR/killed" --resume > /dev/null 2> "$DIR/resumed.err"
test "$(grep -c 'done before' "$DIR/resumed.err")" -eq "$finished" || { echo "finished pairs were recomputed"; exit 1; }
metrics "$DIR/killed" > "$DIR/killed.metrics"
cmp -s "$DIR/one.metrics" "$DIR/killed.metrics" || { echo "the resumed job differs from one process"; exit 1; }

# A pair whose score file cannot be written (a directory in its place) fails alone.
mkdir -p "$DIR/failing/partial/fc2.1.inverse_net.json"
code=0
$MPIRUN -n 2 "$SL" run "$DIR/sweep.yaml" --out "$DIR/failing" --resume > /dev/null 2> "$DIR/failing.err" || code=$?
test $code -eq 1 || { echo "a failed pair gave exit $code, not 1"; exit 1; }
grep -q '\[fc2\] inverse_net seed 1/2: failed on rank [01]: .*is a directory, not a regular file' "$DIR/failing/log.txt"
grep -q '1 of 12 pairs failed' "$DIR/failing.err"
test "$(ls "$DIR/failing/partial" | grep -c 'json$')" -eq 12  # 11 pairs and the directory
test ! -f "$DIR/failing/results.json"
rmdir "$DIR/failing/partial/fc2.1.inverse_net.json"
$MPIRUN -n 2 "$SL" run "$DIR/sweep.yaml" --out "$DIR/failing" --resume > /dev/null 2> "$DIR/completed.err"
test "$(grep -c 'done before' "$DIR/completed.err")" -eq 11
metrics "$DIR/failing" > "$DIR/failing.metrics"
cmp -s "$DIR/one.metrics" "$DIR/failing.metrics" || { echo "the completed job differs from one process"; exit 1; }

NOPEEK='defences=[{kind: nopeek, weight: 1}]'
"$SL" run "$DIR/sweep.yaml" --out "$DIR/nopeek_one" --set victim.cuts=[fc2] --set "$NOPEEK" > /dev/null 2>&1
$MPIRUN -n 2 "$SL" run "$DIR/sweep.yaml" --out "$DIR/nopeek_two" --set victim.cuts=[fc2] --set "$NOPEEK" > /dev/null 2>&1
grep -q '\[fc2 | nopeek(weight=1,finetune=1)\] .* on rank 1 (' "$DIR/nopeek_two/log.txt" || {
  echo "rank 1 attacked no fine-tuned pair"; exit 1; }
metrics "$DIR/nopeek_one" > "$DIR/nopeek_one.metrics"
metrics "$DIR/nopeek_two" > "$DIR/nopeek_two.metrics"
cmp -s "$DIR/nopeek_one.metrics" "$DIR/nopeek_two.metrics" || { echo "fine-tuned pairs differ on two ranks"; exit 1; }
echo ok
