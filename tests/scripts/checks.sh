# Sourced by the shell test scripts: counts checks and failures. `pass` and `fail MESSAGE`
# record one check each; `report NAME` prints the tally and returns non-zero on a failure, so
# that a script ends with it.
failures=0
checks=0
pass() { checks=$((checks + 1)); }
fail() {
  checks=$((checks + 1))
  failures=$((failures + 1))
  echo "FAIL: $*" >&2
}
report() {
  echo "$1: $checks checks, $failures failed"
  [ "$failures" -eq 0 ]
}
