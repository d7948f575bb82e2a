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

# The three commands take turns, one call each per round, so a machine that gets busier or quieter during
# the run shifts all three alike. Each call is timed with bash's $EPOCHREALTIME (no extra process).
CURL=(curl -sS --fail -H "auth: $TOKEN" -H "accountid: acc-bench" "$URL")
CURL_GZIP=(curl -sS --fail -H "Accept-Encoding: gzip" --compressed -H "auth: $TOKEN" -H "accountid: acc-bench" "$URL")
MEMORY=($CLI $FLAGS --pacer memory skill-groups list)
FILE=($CLI $FLAGS --pacer file --pacer-dir "$WORK/pacer" skill-groups list)
MEMORY_PLAIN=($CLI $FLAGS --compression none --pacer memory skill-groups list)
COMPARED=(${COMPARE:+$(realpath "$COMPARE")} $FLAGS --pacer memory skill-groups list)
WHICH=(curl memory file curl_gzip memory_plain ${COMPARE:+compared})
declare -A total=([curl]=0 [memory]=0 [file]=0 [curl_gzip]=0 [memory_plain]=0 [compared]=0)
for _ in $(seq "$REPS"); do
    for which in "${WHICH[@]}"; do
        declare -n cmd=${which^^}
        t0=${EPOCHREALTIME/./}
        "${cmd[@]}" >/dev/null
        t1=${EPOCHREALTIME/./}
        total[$which]=$((total[$which] + 10#$t1 - 10#$t0))
    done
done
for which in "${WHICH[@]}"; do
    case $which in
    curl) label=curl ;;
    curl_gzip) label="curl --compressed" ;;
    memory_plain) label="ccai-cli --pacer memory --compression none" ;;
    compared) label="$COMPARE (memory)" ;;
    *) label="ccai-cli --pacer $which" ;;
    esac
    printf '%-44s %7.2f ms/call\n' "$label" "$(echo "${total[$which]} / $REPS / 1000" | bc -l)"
done
