#!/usr/bin/env bash
# Installs what is missing (Debian), builds, and runs every test with ctest.
#   scripts/test.sh                  the normal build in ./build
#   SANITIZE=1 scripts/test.sh       AddressSanitizer + UBSan: the unit tests, ccai-cli and ccai-mock built
#                                    sanitized in ./build-asan; the integration tests (./build) run them
#                                    (the install and .deb tests package files: left out there)
#   CTEST_EXCLUDE=REGEX              skip the tests whose names match
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/deps.sh
exclude=${CTEST_EXCLUDE:+|$CTEST_EXCLUDE}
if [ "${SANITIZE:-0}" != 1 ]; then
  scripts/build.sh
  cd "${BUILD_DIR:-build}"
  exec ctest --output-on-failure -j"$(nproc)" --timeout 600 ${CTEST_EXCLUDE:+-E "$CTEST_EXCLUDE"}
fi
asan=${BUILD_DIR:-build-asan}
case $asan in /*) ;; *) asan=$PWD/$asan ;; esac
# Debug info: the sanitizers' reports name files and lines.
BUILD_DIR=$asan BUILD_TYPE=${BUILD_TYPE:-RelWithDebInfo} scripts/build.sh -DCCAI_SANITIZE=ON ccai-cli ccai-mock unit_tests
# The integration tests only drive the programs: built normally, they run the sanitized ccai-cli and ccai-mock.
BUILD_DIR=build scripts/build.sh integration_tests
# Stop at the first error with a stack; LeakSanitizer is on (it works under this CI's ptrace setup; if a
# sandbox breaks it, "LeakSanitizer has encountered a fatal error" says so: set ASAN_OPTIONS=detect_leaks=0).
export ASAN_OPTIONS=${ASAN_OPTIONS:-halt_on_error=1:abort_on_error=0:detect_leaks=1:detect_stack_use_after_return=1:strict_string_checks=1:check_initialization_order=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-halt_on_error=1:print_stacktrace=1}
export CCAI_TEST_CLI=$asan/cli/ccai-cli CCAI_TEST_MOCK=$asan/mock/ccai-mock
ctest --test-dir "$asan" --output-on-failure --timeout 600 -R '^unit$'
ctest --test-dir build --output-on-failure -j"$(nproc)" --timeout 600 -E "^unit\$|^install$exclude"
