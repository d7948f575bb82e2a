#!/usr/bin/env bash
# Installs what is missing (Debian), builds, and runs every test with ctest.
#   scripts/test.sh                  the normal build in ./build
#   SANITIZE=1 scripts/test.sh       AddressSanitizer + UBSan build in ./build-asan
#   CTEST_EXCLUDE=REGEX              skip the tests whose names match
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/deps.sh
if [ "${SANITIZE:-0}" = 1 ]; then
  BUILD_DIR=${BUILD_DIR:-build-asan} scripts/build.sh -DCCAI_SANITIZE=ON
  # Stop at the first error with a stack; LeakSanitizer is on (it works under this CI's ptrace setup; if a
  # sandbox breaks it, "LeakSanitizer has encountered a fatal error" says so: set ASAN_OPTIONS=detect_leaks=0).
  # The integration tests run ccai-cli and ccai-mock built the same way; they inherit these settings.
  export ASAN_OPTIONS=${ASAN_OPTIONS:-halt_on_error=1:abort_on_error=0:detect_leaks=1:detect_stack_use_after_return=1:strict_string_checks=1:check_initialization_order=1}
  export UBSAN_OPTIONS=${UBSAN_OPTIONS:-halt_on_error=1:print_stacktrace=1}
else
  scripts/build.sh
fi
cd "${BUILD_DIR:-$([ "${SANITIZE:-0}" = 1 ] && echo build-asan || echo build)}"
ctest --output-on-failure -j"$(nproc)" --timeout 600 ${CTEST_EXCLUDE:+-E "$CTEST_EXCLUDE"}
