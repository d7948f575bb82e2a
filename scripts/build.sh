#!/usr/bin/env bash
# Configures and builds into ${BUILD_DIR:-build}: everything, or the targets named.
#   scripts/build.sh [-DOPTION=VALUE ...] [TARGET ...]
# Arguments starting with '-' pass through to cmake, the others are targets (e.g. ccai-cli ccai-mock).
# Needs only CMake, a C++20 compiler and the libraries the README lists; Ninja when installed.
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD_DIR=${BUILD_DIR:-build}
cmake_args=() targets=()
for a in "$@"; do
  case $a in -*) cmake_args+=("$a") ;; *) targets+=(--target "$a") ;; esac
done
generator=()
if [ ! -f "$BUILD_DIR/CMakeCache.txt" ] && command -v ninja >/dev/null; then generator=(-G Ninja); fi
cmake -S . -B "$BUILD_DIR" "${generator[@]}" -DCMAKE_BUILD_TYPE="${BUILD_TYPE:-Release}" "${cmake_args[@]}" >/dev/null
cmake --build "$BUILD_DIR" -j "$(getconf _NPROCESSORS_ONLN)" "${targets[@]}"
