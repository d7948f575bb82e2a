#!/usr/bin/env bash
# Builds the libFuzzer targets (fuzz/, clang, ASan+UBSan) in ${BUILD_DIR:-build-fuzz} and runs each one for
# SECONDS (default 10) on a copy of its committed seed corpus (fuzz/corpus/<target>/). A crash stops the
# script with exit 1; the crashing input is saved as ${BUILD_DIR}/artifacts/<target>/crash-* (turn it into a
# case in tests/unit/fuzz_regressions_test.cpp). Longer runs: see fuzz/README.md.
#   scripts/fuzz.sh [SECONDS] [TARGET...]
set -euo pipefail
cd "$(dirname "$0")/.."
SECONDS_EACH=${1:-10}
shift || true
BUILD_DIR=${BUILD_DIR:-build-fuzz}
scripts/deps.sh fuzz
CC=${CC:-clang} CXX=${CXX:-clang++} cmake -S fuzz -B "$BUILD_DIR" -G Ninja -DCCAI_FUZZ=ON \
  -DCMAKE_BUILD_TYPE=${BUILD_TYPE:-RelWithDebInfo} >/dev/null
ninja -C "$BUILD_DIR" -j"$(nproc)" fuzz_all
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
  for d in fuzz/corpus/*/; do targets+=("$(basename "$d")"); done
fi
export ASAN_OPTIONS=${ASAN_OPTIONS:-halt_on_error=1:detect_leaks=1:abort_on_error=0}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-halt_on_error=1:print_stacktrace=1}
status=0
for t in "${targets[@]}"; do
  corpus="$BUILD_DIR/corpus/$t" artifacts="$BUILD_DIR/artifacts/$t"
  mkdir -p "$corpus" "$artifacts"
  cp -n fuzz/corpus/"$t"/* "$corpus"/ 2>/dev/null || true
  echo "fuzz_$t: ${SECONDS_EACH}s" >&2
  # Findings go to artifacts/; the corpus grown in the build dir is reused by the next run.
  if ! "$BUILD_DIR/fuzz_$t" -max_total_time="$SECONDS_EACH" -max_len=4096 -timeout=10 -rss_limit_mb=2048 \
       -print_final_stats=0 -artifact_prefix="$artifacts/" "$corpus" >"$BUILD_DIR/fuzz_$t.log" 2>&1; then
    echo "fuzz_$t FAILED; input saved in $artifacts/:" >&2
    tail -n 40 "$BUILD_DIR/fuzz_$t.log" >&2
    status=1
  else
    grep -E '^#[0-9]+[[:space:]]+DONE' "$BUILD_DIR/fuzz_$t.log" >&2 || true
  fi
done
exit $status
