#!/usr/bin/env bash
# Configures and builds into ${BUILD_DIR:-build} (extra cmake arguments pass through).
#   CCAI_CURL=lean (default) | system     which libcurl ccai-cli links, see below
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD_DIR=${BUILD_DIR:-build}
# ccai-cli links the lean static libcurl of scripts/lean-curl.sh (built once, cached); CCAI_CURL=system
# links the system's libcurl.so instead (no download; each call then starts ~9 ms slower, bench/RESULTS.md).
curl_args=()
if [ "${CCAI_CURL:-lean}" = lean ]; then
  prefix=$(scripts/lean-curl.sh) || { echo "build: could not build the lean libcurl; CCAI_CURL=system builds with the system's" >&2; exit 1; }
  curl_args=(-DCCAI_CURL_DIR="$prefix")
elif [ "${CCAI_CURL}" = system ]; then
  curl_args=(-DCCAI_CURL_DIR=)
else
  echo "build: CCAI_CURL must be lean or system, not '${CCAI_CURL}'" >&2; exit 2
fi
cmake -S . -B "$BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE=${BUILD_TYPE:-RelWithDebInfo} "${curl_args[@]}" "$@" >/dev/null
ninja -C "$BUILD_DIR" -j"$(nproc)"
