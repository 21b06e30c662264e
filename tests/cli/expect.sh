# Sourced by the CLI test scripts (after SL and DIR are set).
# expect_exit CODE MESSAGE-FRAGMENT COMMAND...: COMMAND exits with CODE and says FRAGMENT on
# stdout or stderr; otherwise print what it said and fail the script.
expect_exit() {
  want="$1"; fragment="$2"; shift 2
  set +e
  "$@" > "$DIR/out" 2> "$DIR/err"
  code=$?
  set -e
  test "$code" -eq "$want" || { echo "exit $code (want $want) for: $*"; cat "$DIR/err"; exit 1; }
  cat "$DIR/out" "$DIR/err" | grep -q -F -- "$fragment" || { echo "no '$fragment' for: $*"; cat "$DIR/out" "$DIR/err"; exit 1; }
}
# expect_code CODE MESSAGE-FRAGMENT ARGS...: the same for splitleak ARGS.
expect_code() {
  want="$1"; fragment="$2"; shift 2
  expect_exit "$want" "$fragment" "$SL" "$@"
}
