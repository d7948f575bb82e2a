#!/usr/bin/env bash
# Batch throughput vs the pacer's limit with slow responses, and peak memory. Not run in CI.
# Usage: bench/batch.sh [BUILD_DIR] [LINES] [CONCURRENCY...]   (defaults: build-batch 1000 "1 4 8")
#        bench/batch.sh --memory [BUILD_DIR] [LINES...]          (defaults: build-batch 1000 20000)
# --memory: peak RSS against input size, with a fast mock (no latency, no server limit) and a CLI limit
# high enough never to pace, so only the batch's own memory shows.
set -euo pipefail
# shellcheck source=scripts/lib/mock.sh
. "$(dirname "${BASH_SOURCE[0]}")/../scripts/lib/mock.sh"
if [ "${1:-}" = "--memory" ]; then
  shift
  BUILD=${1:-build-batch}
  shift 1 2>/dev/null || true
  SIZES=${*:-1000 20000}
  CLI=$BUILD/cli/ccai-cli
  MOCK=$BUILD/mock/ccai-mock
  TMP=$(mktemp -d)
  trap 'kill $MOCK_PID 2>/dev/null || true; rm -rf "$TMP"' EXIT
  mock_start "$MOCK" "$TMP" --rate-limit none --threads 16
  HOST=$MOCK_URL
  export CCAI_CLIENT_ID=cs-mock CCAI_CLIENT_SECRET=mock-secret XDG_CONFIG_HOME=$TMP/cfg XDG_STATE_HOME=$TMP/state
  echo "memory: mock --rate-limit none, no latency; cli --rate-limit 1000000/1s --pacer memory --concurrency 2"
  for n in $SIZES; do
    # Each run uses fresh names, so the mock's store (not the CLI) is what grows between runs.
    for i in $(seq 1 "$n"); do echo "{\"op\":\"skill-groups.create\",\"body\":{\"name\":\"mem-$n-$i\"}}"; done > "$TMP/in.jsonl"
    rm -f "$TMP/r.jsonl" "$TMP/r.jsonl.journal"
    start=$(date +%s.%N)
    /usr/bin/time -v "$CLI" --host "$HOST" --account-id acc-bench --bot-id st-bench --org-id o-bench \
        --rate-limit 1000000/1s --pacer memory batch --input "$TMP/in.jsonl" --results "$TMP/r.jsonl" --concurrency 2 \
        2> "$TMP/time.txt" || echo "exit $?"
    end=$(date +%s.%N)
    ok=$(grep -c '"outcome":"ok"' "$TMP/r.jsonl" || true)
    rss=$(sed -n 's/.*Maximum resident set size (kbytes): //p' "$TMP/time.txt")
    printf 'lines=%-6s ok=%s wall=%.1fs peak_rss=%s KB\n' "$n" "$ok" "$(echo "$end - $start" | bc -l)" "$rss"
  done
  exit 0
fi
BUILD=${1:-build-batch}
LINES=${2:-1000}
shift 2 2>/dev/null || true
CONCS=${*:-1 4 8}
CLI=$BUILD/cli/ccai-cli
MOCK=$BUILD/mock/ccai-mock
TMP=$(mktemp -d)
trap 'kill $MOCK_PID 2>/dev/null || true; rm -rf "$TMP"' EXIT

# The limit scaled to 100/1s (pacing interval 10 ms); the server takes 30 ms per call (3x the interval) and
# enforces the same 100/1s window, so any pacing error shows up as rejections (retries).
mock_start "$MOCK" "$TMP" --latency 30 --rate-limit 100/1s --threads 16
HOST=$MOCK_URL

for i in $(seq 1 "$LINES"); do echo "{\"op\":\"skill-groups.create\",\"body\":{\"name\":\"bench-$i\"}}"; done > "$TMP/in.jsonl"

export CCAI_CLIENT_ID=cs-mock CCAI_CLIENT_SECRET=mock-secret XDG_CONFIG_HOME=$TMP/cfg XDG_STATE_HOME=$TMP/state
echo "lines=$LINES limit=100/1s latency=30ms host=$HOST"
# --rerun: every round sends the same creates again (the record of sent lines would skip them).
for c in $CONCS; do
  rm -f "$TMP/r.jsonl" "$TMP/r.jsonl.journal"
  start=$(date +%s.%N)
  /usr/bin/time -v "$CLI" --host "$HOST" --account-id acc-bench --bot-id st-bench --org-id o-bench \
      --rate-limit 100/1s --pacer memory batch --input "$TMP/in.jsonl" --results "$TMP/r.jsonl" --concurrency "$c" --rerun \
      2> "$TMP/time.txt" || echo "exit $?"
  end=$(date +%s.%N)
  secs=$(echo "$end - $start" | bc -l)
  ok=$(grep -c '"outcome":"ok"' "$TMP/r.jsonl" || true)
  retries=$(python3 -c "import json,sys; print(sum(json.loads(l)['attempts']-1 for l in open('$TMP/r.jsonl')))")
  rss=$(sed -n 's/.*Maximum resident set size (kbytes): //p' "$TMP/time.txt")
  printf 'concurrency=%-2s ok=%s/%s wall=%.2fs throughput=%.1f/s (%.0f%% of 100/s) retries=%s peak_rss=%s KB\n' \
      "$c" "$ok" "$LINES" "$secs" "$(echo "$LINES / $secs" | bc -l)" "$(echo "$LINES / $secs" | bc -l)" "$retries" "$rss"
done
