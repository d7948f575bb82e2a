#!/usr/bin/env bash
# Peak memory of `--all` against the number of items: it streams page by page, so the peak should not
# grow with the list. Not run in CI, and not timed: only the peak RSS (and that every item came out) counts.
# Usage: bench/all_memory.sh [BUILD_DIR] [ITEMS...]   (defaults: build 1000 10000 100000)
# The mock serves `conversations list` with ITEMS synthetic items (--list-items), made page by page; the
# CLI's limit is high enough never to pace. Each size runs -o csv (the format that fixes columns from the
# first page) and, for comparison, -o jsonl and -o json; then the same items fetched as one page without
# --all, to show what holding them all at once would cost.
set -euo pipefail
# shellcheck source=scripts/lib/mock.sh
. "$(dirname "${BASH_SOURCE[0]}")/../scripts/lib/mock.sh"
BUILD=${1:-build}
shift 1 2>/dev/null || true
SIZES=${*:-1000 10000 100000}
CLI=$BUILD/cli/ccai-cli
MOCK=$BUILD/mock/ccai-mock
TMP=$(mktemp -d)
trap 'kill $MOCK_PID 2>/dev/null || true; rm -rf "$TMP"' EXIT
export CCAI_CLIENT_ID=cs-mock CCAI_CLIENT_SECRET=mock-secret XDG_CONFIG_HOME=$TMP/cfg XDG_STATE_HOME=$TMP/state
echo "conversations list --limit 100 --all; mock --rate-limit none, no latency; cli --rate-limit 1000000/1s --pacer memory"
for n in $SIZES; do
  mock_start "$MOCK" "$TMP" --rate-limit none --threads 4 --list-items "$n"
  for format in csv jsonl json; do
    /usr/bin/time -v "$CLI" --host "$MOCK_URL" --account-id acc-bench --bot-id st-bench --org-id o-bench \
        --rate-limit 1000000/1s --pacer memory conversations list --limit 100 --all -o "$format" \
        > "$TMP/out" 2> "$TMP/time.txt" || { echo "exit $?"; cat "$TMP/time.txt"; exit 1; }
    case $format in
      csv) rows=$(($(grep -c $'\r$' "$TMP/out") - 1)) ;;  # records end in CRLF; minus the header
      jsonl) rows=$(wc -l < "$TMP/out") ;;
      json) rows=$(python3 -c "import json,sys; print(len(json.load(open(sys.argv[1]))))" "$TMP/out") ;;
    esac
    rss=$(sed -n 's/.*Maximum resident set size (kbytes): //p' "$TMP/time.txt")
    wall=$(sed -n 's/.*Elapsed (wall clock) time (h:mm:ss or m:ss): //p' "$TMP/time.txt")
    printf 'items=%-7s -o %-5s rows=%-7s output=%6s KB  wall=%s  peak_rss=%s KB\n' \
        "$n" "$format" "$rows" "$(($(stat -c %s "$TMP/out") / 1024))" "$wall" "$rss"
  done
  # For contrast, the same items as ONE page without --all: what holding every item at once costs.
  /usr/bin/time -v "$CLI" --host "$MOCK_URL" --account-id acc-bench --bot-id st-bench --org-id o-bench \
      --rate-limit 1000000/1s --pacer memory conversations list --limit "$n" -o csv \
      > "$TMP/out" 2> "$TMP/time.txt" || { echo "exit $?"; cat "$TMP/time.txt"; exit 1; }
  printf 'items=%-7s one page, no --all, -o csv   rows=%-7s peak_rss=%s KB\n' "$n" \
      "$(($(grep -c $'\r$' "$TMP/out") - 1))" "$(sed -n 's/.*Maximum resident set size (kbytes): //p' "$TMP/time.txt")"
  kill "$MOCK_PID"
  wait "$MOCK_PID" 2>/dev/null || true
done
