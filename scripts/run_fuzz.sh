#!/usr/bin/env bash
# Runs every fuzz target of BUILD (make fuzz) for SECONDS each, from its seed corpus in
# fuzz/corpus/<target>/ plus what earlier runs found (BUILD/fuzz-corpus/<target>/, never the
# repository's). Prints each target's executions and coverage; exits 1 when a target crashed,
# leaked, timed out or ran out of memory, leaving the input under BUILD/fuzz-crashes/.
# TARGETS (optional, the rest of the arguments): run only these targets. FUZZ_SEED (environment):
# libFuzzer's random seed, for runs that must repeat (CI); unset, a fresh one each run.
set -uo pipefail
BUILD="$1"
SECONDS_EACH="$2"
shift 2
ONLY=" $* "
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
failed=0
mkdir -p "$BUILD/fuzz-crashes"
for seeds in "$ROOT"/fuzz/corpus/*/; do
  target="$(basename "$seeds")"
  [ "$ONLY" = "  " ] || [[ "$ONLY" == *" $target "* ]] || continue
  work="$BUILD/fuzz-corpus/$target"
  mkdir -p "$work"
  log="$BUILD/fuzz-$target.log"
  ASAN_OPTIONS=detect_leaks=1:allocator_may_return_null=1 LSAN_OPTIONS=suppressions="$ROOT/fuzz/lsan.supp" \
    UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
    "$BUILD/fuzz/$target" -max_total_time="$SECONDS_EACH" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
      ${FUZZ_SEED:+-seed="$FUZZ_SEED"} \
      -artifact_prefix="$BUILD/fuzz-crashes/$target-" "$work" "$seeds" > "$log" 2>&1
  rc=$?
  runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  cov=$(grep -o 'cov: [0-9]*' "$log" | tail -1 | cut -d' ' -f2)
  features=$(grep -o 'ft: [0-9]*' "$log" | tail -1 | cut -d' ' -f2)
  printf '%-22s %10s executions in %4s s, coverage %6s edges, %6s features, rc %d\n' \
    "$target" "${runs:-?}" "$SECONDS_EACH" "${cov:-?}" "${features:-?}" "$rc"
  if [ "$rc" -ne 0 ]; then
    failed=1
    grep -m 5 -E 'ERROR|SUMMARY|uncaught|terminate|Test unit written' "$log"
  fi
done
exit $failed
