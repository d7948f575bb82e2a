#!/usr/bin/env bash
# Pacer benchmark (not part of CI): CALLS calls of one operation from N concurrent processes against a
# ccai-mock enforcing a scaled rolling window, `ccai-cli` (file pacer) vs `curl --retry` in `xargs -P N`
# (what a shell user writes today). Prints wall time against the evenly spread ideal, rejected and failed
# requests (from the mock's --log), the densest tenth of the pacing window, and with LATENCY=1 the per-call
# latency spread (how evenly the waiting is shared between processes).
#
# The ideal is the service's first rule, "spread out calls evenly": a burst of B calls, then one per W/L of
# the window that sets the pace, never more than L in any window W. B is the pacer's default burst, a tenth
# of the smallest limit rounded up. The burst is paid back where the first window ends: (CALLS - B) x W/L
# alone would put L + B - 1 calls in the first window, which the service rejects. So the last call goes out
# at about (CALLS - 1) x W/L once CALLS > L. Sending every window's calls at once would finish sooner, and
# is the traffic spike the service asks its clients not to make.
#
# usage: bench/pacer.sh [BUILD_DIR] ; env: LIMITS (default 20/2s), CALLS (200), NS ("1 8 32"),
# TOOLS ("ccai-cli curl"), DETAIL=1 (a line per window: how far apart calls L places apart, and neighbouring
# calls, reached the mock), LATENCY=1 (each call run under bench/timed.c, see run()), INTERACTIVE=1 (only
# the latency of single calls made while a batch saturates the account: interactive_during_batch()).
set -euo pipefail
# shellcheck source=scripts/lib/mock.sh
. "$(dirname "${BASH_SOURCE[0]}")/../scripts/lib/mock.sh"
BUILD=${1:-build-pacer}
CLI=$(realpath "$BUILD/cli/ccai-cli")
MOCK=$(realpath "$BUILD/mock/ccai-mock")
LIMITS=${LIMITS:-20/2s}
CALLS=${CALLS:-200}
NS=${NS:-1 8 32}
TOOLS=${TOOLS:-ccai-cli curl}
LATENCY=${LATENCY:-0}
WORK=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$WORK"' EXIT
export CCAI_CLIENT_ID=cs-mock CCAI_CLIENT_SECRET=mock-secret XDG_CONFIG_HOME=$WORK/cfg XDG_STATE_HOME=$WORK/state

# The pacing window's numbers: "IDEAL B L W": the evenly spread ideal in seconds, the burst, and the limit
# and window (seconds) of the window that sets the pace (the largest W/L).
pacing() {  # limits calls -> IDEAL B L W
    python3 - "$1" "$2" <<'PY'
import sys
unit = {'s': 1, 'm': 60, 'h': 3600}
calls, wins = int(sys.argv[2]), []
for item in sys.argv[1].split(','):
    n, w = item.split('/')
    wins.append((int(n), float(w[:-1] or 1) * unit[w[-1]]))
L, W = max(wins, key=lambda lw: lw[1] / lw[0])
B = min((n + 9) // 10 for n, _ in wins)
t = []  # when each call goes out at the earliest: the burst, then one per W/L, and every window's bound
for k in range(calls):
    t.append(0.0 if k < B else max([t[k - 1] + W / L] + [t[k - n] + w for n, w in wins if k >= n]))
print(f"{t[-1]:.3f} {B} {L} {W:g}")
PY
}

jwt() {  # HS256 token for the mock's default credentials, as a curl user would mint it
    local b64='openssl base64 -A | tr "+/" "-_" | tr -d "="'
    local h p now
    now=$(date +%s)
    h=$(printf '{"alg":"HS256","typ":"JWT"}' | eval "$b64")
    p=$(printf '{"sub":"bench","appId":"cs-mock","iat":%d,"exp":%d}' "$now" $((now + 3600)) | eval "$b64")
    printf '%s.%s.%s' "$h" "$p" "$(printf '%s.%s' "$h" "$p" | openssl dgst -sha256 -hmac mock-secret -binary | eval "$b64")"
}

start_mock() {  # -> sets MOCK_PID, PORT, LOG (a fresh mock per run: empty window and log)
    LOG=$WORK/mock-$RANDOM.log
    mock_start "$MOCK" "$WORK" --rate-limit "$LIMITS" --log "$LOG"
    PORT=$MOCK_PORT
}

one_call() {  # tool -> CMD: the argv of one call (run by xargs)
    local url="http://127.0.0.1:$PORT/agentassist/api/v1/public/st-bench/skill-groups"
    case $1 in
        ccai-cli) CMD=("$CLI" --host "http://127.0.0.1:$PORT" --account-id acc-bench --bot-id st-bench
                       --rate-limit "$LIMITS" --pacer-dir "$WORK/pacer-$PORT" -q skill-groups list) ;;
        curl) CMD=(curl -sS -o /dev/null --fail --retry 10 -H "auth: $TOKEN" -H 'accountid: acc-bench' "$url") ;;
    esac
}

run() {  # tool n -> one result line
    local tool=$1 n=$2
    start_mock
    one_call "$tool"
    local t0 t1
    : >"$WORK/lat"
    t0=$(date +%s.%N)
    # By default xargs runs the tool itself, as a user's script does. LATENCY=1 puts bench/timed.c between
    # them to time each call: one more process per call, ~2.5 ms of the machine on this VM, which at N = 1
    # lengthens the run by L - 1 of them (the first window's calls follow one another) for either tool.
    if [ "$LATENCY" = 1 ]; then
        seq "$CALLS" | xargs -P "$n" -I{} "$WORK/timed" "${CMD[@]}" >"$WORK/lat" 2>/dev/null || true
    else
        seq "$CALLS" | xargs -P "$n" -I{} "${CMD[@]}" >/dev/null 2>&1 || true
    fi
    t1=$(date +%s.%N)
    kill "$MOCK_PID"; wait "$MOCK_PID" 2>/dev/null || true
    python3 - "$tool" "$n" "$t0" "$t1" "$IDEAL" "$LOG" "$WORK/lat" "$CALLS" "$PACE_L" "$PACE_W" <<'PY'
import json, os, sys
tool, n, t0, t1, ideal, log, lat, calls, limit, window = sys.argv[1:]
wall, L, W = float(t1) - float(t0), int(limit), float(window)
entries = [json.loads(l) for l in open(log) if l.strip()]
st = [e.get("status") for e in entries]
# Where the time went, from the mock's arrival times of accepted calls: how long the tool took to send the
# first L (process start-ups; no pacer can shorten it), then the mean time from each call to the one L later
# (the window as the pacer keeps it: window x (1 + margin) plus the time to learn the response).
ok = sorted(e["at"] for e in entries if e.get("status") == 200)
split = ""
if len(ok) > L:
    period = sum(ok[i] - ok[i - L] for i in range(L, len(ok))) / (len(ok) - L)
    split = f"  first {L} in {ok[L - 1] - float(t0):5.2f}s, then {L} per {period:6.3f}s"
detail = []
if os.environ.get("DETAIL") == "1":  # per window: when each call went out against the one L places before it
    for w in range(1, len(ok) // L):
        d = [ok[i] - ok[i - L] for i in range(w * L, (w + 1) * L)]
        g = [ok[i] - ok[i - 1] for i in range(w * L + 1, (w + 1) * L)]
        detail.append(f"    window {w:2}: {L} places apart min {min(d):.4f}s mean {sum(d) / L:.4f}s max {max(d):.4f}s; "
                      f"calls {1000 * sum(g) / len(g):5.1f} ms apart")
latency = ""
l = sorted(int(x) for x in open(lat) if x.strip())
if l:
    q = lambda p: l[min(len(l) - 1, int(p * len(l)))] / 1000
    latency = f"  per-call latency p50 {q(.5):6.2f}s p95 {q(.95):6.2f}s max {q(1):6.2f}s"
# The densest tenth of the pacing window: the most accepted calls that reached the service in any W/10.
densest, j = 0, 0
for i in range(len(ok)):
    while ok[i] - ok[j] >= W / 10: j += 1
    densest = max(densest, i - j + 1)
# A call that succeeded was answered 200 exactly once (a retried one was rejected first), so the calls
# without a 200 are the ones that failed, whatever each tool's exit status says.
print(f"{tool:9} N={int(n):<3} wall {wall:7.2f}s  x{wall / float(ideal):5.3f} of ideal  requests {len(st):4}  "
      f"rejected {st.count(429):4}  failed {int(calls) - len(ok):3}  densest W/10 {densest:3}{latency}{split}")
for line in detail: print(line)
PY
}

if [ "$LATENCY" = 1 ]; then
    cc -O2 -static "$(dirname "${BASH_SOURCE[0]}")/timed.c" -o "$WORK/timed" 2>/dev/null ||
        cc -O2 "$(dirname "${BASH_SOURCE[0]}")/timed.c" -o "$WORK/timed"
fi
# A batch of CALLS lines at --concurrency 16 keeps the account busy; meanwhile a single call from a shell
# every W/4 (about a second at 60/1m) is timed from its start to its exit. Target: its pacer wait at most
# one interval, so its latency at most W/L plus one call's own time (~50 ms here).
interactive_during_batch() {
    start_mock
    one_call ccai-cli
    for _ in $(seq "$CALLS"); do echo '{"op":"skill-groups.list"}'; done >"$WORK/batch.jsonl"
    "${CMD[@]:0:${#CMD[@]}-2}" batch --input "$WORK/batch.jsonl" --concurrency 16 >/dev/null 2>&1 &
    local batch=$! lat=$WORK/interactive.lat
    : >"$lat"
    sleep "$(python3 -c "print($PACE_W * 1.2)")"  # past the first window: the batch's calls now queue
    while kill -0 "$batch" 2>/dev/null; do
        local a b
        a=$(date +%s%N); "${CMD[@]:0:${#CMD[@]}-2}" queues list >/dev/null 2>&1; b=$(date +%s%N)
        kill -0 "$batch" 2>/dev/null && echo $(((b - a) / 1000)) >>"$lat"
        sleep "$(python3 -c "print($PACE_W / 4)")"
    done
    wait "$batch" || true
    kill "$MOCK_PID"; wait "$MOCK_PID" 2>/dev/null || true
    python3 - "$lat" "$LOG" "$PACE_L" "$PACE_W" <<'PY'
import json, sys
lat, log, L, W = sys.argv[1], sys.argv[2], int(sys.argv[3]), float(sys.argv[4])
l = sorted(int(x) / 1e6 for x in open(lat) if x.strip())
st = [json.loads(x).get("status") for x in open(log) if x.strip()]
q = lambda p: l[min(len(l) - 1, int(p * len(l)))]
print(f"interactive call during a batch (--concurrency 16): {len(l)} calls, latency p50 {q(.5):.3f}s "
      f"p99 {q(.99):.3f}s max {l[-1]:.3f}s (one interval: {W / L:.3f}s); rejected {st.count(429)}")
PY
}

TOKEN=$(jwt)
read -r IDEAL B PACE_L PACE_W < <(pacing "$LIMITS" "$CALLS")
if [ "${INTERACTIVE:-0}" = 1 ]; then
    interactive_during_batch
    exit
fi
echo "limits $LIMITS, $CALLS calls, evenly spread ideal ${IDEAL}s (a burst of $B, then one call per $PACE_W/$PACE_L s);" \
     "densest W/10 target <= $((PACE_L / 10 + B))"
for n in $NS; do
    for tool in $TOOLS; do run "$tool" "$n"; done
done
