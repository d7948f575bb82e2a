#!/usr/bin/env bash
# Single-call overhead (not part of CI): REPS sequential calls, one process each, against ccai-mock with
# no rate limit: plain curl vs ccai-cli with the memory pacer vs ccai-cli with the file pacer (the default:
# open + fcntl lock + read + write of the state file per call). Prints the mean time per call.
# ccai-cli asks for gzip by default and plain curl asks for nothing, so the two exchanges differ (the mock
# compresses, the client inflates). Two more rows compare like with like: curl --compressed (gzip, as
# ccai-cli's default) and ccai-cli --compression none (no Accept-Encoding, as plain curl).
# usage: bench/pacer_overhead.sh [BUILD_DIR] ; env: REPS (default 200), COMPARE (another ccai-cli binary, e.g.
# an older build, run with the memory pacer in the same rotation)
set -euo pipefail
# shellcheck source=scripts/lib/mock.sh
. "$(dirname "${BASH_SOURCE[0]}")/../scripts/lib/mock.sh"
# shellcheck source=bench/lib/turns.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib/turns.sh"
BUILD=${1:-build-pacer}
CLI=$(realpath "$BUILD/cli/ccai-cli")
MOCK=$(realpath "$BUILD/mock/ccai-mock")
REPS=${REPS:-200}
WORK=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$WORK"' EXIT
export CCAI_CLIENT_ID=cs-mock CCAI_CLIENT_SECRET=mock-secret XDG_CONFIG_HOME=$WORK/cfg XDG_STATE_HOME=$WORK/state
mock_start "$MOCK" "$WORK" --rate-limit none
b64() { openssl base64 -A | tr '+/' '-_' | tr -d '='; }
now=$(date +%s)
h=$(printf '{"alg":"HS256","typ":"JWT"}' | b64)
p=$(printf '{"sub":"bench","appId":"cs-mock","iat":%d,"exp":%d}' "$now" $((now + 3600)) | b64)
TOKEN="$h.$p.$(printf '%s.%s' "$h" "$p" | openssl dgst -sha256 -hmac mock-secret -binary | b64)"
URL="$MOCK_URL/agentassist/api/v1/public/st-bench/skill-groups"
FLAGS="--host $MOCK_URL --account-id acc-bench --bot-id st-bench --rate-limit 1000000/1s -q"

CURL="curl -sS --fail -H 'auth: $TOKEN' -H 'accountid: acc-bench' $URL"
CURL_GZIP="curl -sS --fail -H 'Accept-Encoding: gzip' --compressed -H 'auth: $TOKEN' -H 'accountid: acc-bench' $URL"
CALL="$CLI $FLAGS"
RUNS=(curl "$CURL"
      "ccai-cli --pacer memory" "$CALL --pacer memory skill-groups list"
      "ccai-cli --pacer file" "$CALL --pacer file --pacer-dir $WORK/pacer skill-groups list"
      "curl --compressed" "$CURL_GZIP"
      "ccai-cli --pacer memory --compression none" "$CALL --compression none --pacer memory skill-groups list")
[ -z "${COMPARE:-}" ] || RUNS+=("$COMPARE (memory)" "$(realpath "$COMPARE") $FLAGS --pacer memory skill-groups list")
time_in_turns "$REPS" "${RUNS[@]}"
