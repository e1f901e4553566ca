#!/usr/bin/env bash
# Configures and builds messageu into build/ (or $MESSAGEU_BUILD_DIR). Extra arguments go to
# CMake's configure step, e.g. scripts/build.sh -DCMAKE_BUILD_TYPE=Release.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${MESSAGEU_BUILD_DIR:-$root/build}

generator=()
command -v ninja >/dev/null && [ ! -f "$build/Makefile" ] && generator=(-G Ninja)
cmake -S "$root" -B "$build" "${generator[@]}" -DMESSAGEU_WERROR=ON "$@" >/dev/null
cmake --build "$build" --parallel "$(nproc)"
