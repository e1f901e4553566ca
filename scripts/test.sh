#!/usr/bin/env bash
# Installs what is missing, builds, and runs the whole test suite with ctest. Exits non-zero
# on any failure.
#   scripts/test.sh              the normal build (build/)
#   scripts/test.sh --sanitize   then also the suite under AddressSanitizer and UBSan
#                                (build-sanitize/)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)

sanitize=0
for argument in "$@"; do
  case "$argument" in
    --sanitize) sanitize=1 ;;
    -h|--help) sed -n '2,7p' "$0"; exit 0 ;;
    *) echo "test.sh: unknown option $argument" >&2; exit 64 ;;
  esac
done

"$root/scripts/setup.sh"

run_suite() {
  local build=$1; shift
  MESSAGEU_BUILD_DIR=$build "$root/scripts/build.sh" "$@"
  (cd "$build" && ctest --output-on-failure --parallel "$(nproc)" --timeout 900)
}

run_suite "$root/build"
if [ "$sanitize" -eq 1 ]; then
  ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1 \
    run_suite "$root/build-sanitize" -DMESSAGEU_SANITIZE=ON -DCMAKE_BUILD_TYPE=Debug \
    -DMESSAGEU_BENCH=OFF
fi
