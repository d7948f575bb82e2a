#!/usr/bin/env bash
# Installs what is missing (Debian), builds, and runs every test with ctest.
#   scripts/test.sh                  the normal build in ./build
#   SANITIZE=1 scripts/test.sh       AddressSanitizer + UBSan build in ./build-asan
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/deps.sh
if [ "${SANITIZE:-0}" = 1 ]; then
  BUILD_DIR=${BUILD_DIR:-build-asan} scripts/build.sh -DCCAI_SANITIZE=ON
else
  scripts/build.sh
fi
cd "${BUILD_DIR:-$([ "${SANITIZE:-0}" = 1 ] && echo build-asan || echo build)}"
ctest --output-on-failure -j"$(nproc)" --timeout 600
