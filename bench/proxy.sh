#!/usr/bin/env bash
# What `ccai-cli proxy` adds to a call: latency per request (p50/p99) against the same call made straight
# to ccai-mock, and requests per second when the pacer does not limit. Not run in CI.
# Usage: bench/proxy.sh [BUILD_DIR] [REQUESTS] [PARALLEL]   (defaults: build 500 8)
# Both paths use curl, one keep-alive connection per curl process (the proxy keeps one to the mock per
# worker thread); the direct one sends a JWT minted
# here (python3), the proxy mints its own. The mock answers at once and does not limit; the proxy's memory
# pacer allows 100000/1s (a short window: the pacer keeps every grant of the window).
set -euo pipefail
# shellcheck source=scripts/lib/mock.sh
. "$(dirname "${BASH_SOURCE[0]}")/../scripts/lib/mock.sh"
BUILD=${1:-build}
N=${2:-500}
P=${3:-8}
CLI=$BUILD/cli/ccai-cli
MOCK=$BUILD/mock/ccai-mock
TMP=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$TMP"' EXIT
mock_start "$MOCK" "$TMP" --rate-limit none --threads 256
export CCAI_HOST=$MOCK_URL CCAI_ACCOUNT_ID=acc-mock CCAI_BOT_ID=st-mock-bot CCAI_CLIENT_ID=cs-mock \
  CCAI_CLIENT_SECRET=mock-secret CCAI_PACER=memory CCAI_RATE_LIMIT=100000/1s XDG_CONFIG_HOME=$TMP/config
"$CLI" proxy --listen 127.0.0.1:0 --max-pending 64 >"$TMP/proxy.out" 2>"$TMP/proxy.err" &
for _ in $(seq 100); do grep -q '^listening on ' "$TMP/proxy.out" 2>/dev/null && break; sleep 0.05; done
PROXY=$(sed -n 's/^listening on //p' "$TMP/proxy.out")
[ -n "$PROXY" ] || { echo "the proxy did not start: $(cat "$TMP/proxy.err")" >&2; exit 1; }
JWT=$(python3 - <<'PY'
import base64, hashlib, hmac, json, time
b = lambda d: base64.urlsafe_b64encode(json.dumps(d, separators=(",", ":")).encode()).rstrip(b"=")
now = int(time.time())
msg = b({"alg": "HS256", "typ": "JWT"}) + b"." + b({"sub": "bench", "appId": "cs-mock", "iat": now, "exp": now + 3600})
sig = base64.urlsafe_b64encode(hmac.new(b"mock-secret", msg, hashlib.sha256).digest()).rstrip(b"=")
print((msg + b"." + sig).decode())
PY
)
PATH_=/agentassist/api/v1/public/st-mock-bot/skill-groups
# A curl config of N requests (each with its own output), sent on one keep-alive connection.
requests() {  # BASE > config
  for _ in $(seq "$N"); do printf 'url = "%s"\noutput = "/dev/null"\n' "$1$PATH_"; done
}
requests "$MOCK_URL" >"$TMP/direct.cfg"
requests "$PROXY" >"$TMP/proxy.cfg"
latencies() {  # CONFIG [curl args...]: one "code seconds" line per request
  local cfg=$1; shift
  curl -sS "$@" -K "$cfg" -w '%{http_code} %{time_total}\n'
}
percentiles() {  # NAME < "code seconds" lines
  sort -k2 -n | awk -v name="$1" '{ c[NR] = $2; if ($1 != 200) bad++ }
    END { printf "%-7s latency p50 %.2f ms  p99 %.2f ms  (%d requests, %d not 200)\n", name,
          c[int(NR * 0.5 + 0.5)] * 1000, c[int(NR * 0.99 + 0.5)] * 1000, NR, bad + 0 }'
}
throughput() {  # NAME CONFIG [curl args...]: P curl processes at once, N requests each
  local name=$1 cfg=$2 start end pids=()
  shift 2
  start=$EPOCHREALTIME
  for i in $(seq "$P"); do
    curl -sS "$@" -K "$cfg" -w '%{http_code}\n' >"$TMP/codes.$i" &
    pids+=($!)
  done
  wait "${pids[@]}"
  end=$EPOCHREALTIME
  cat "$TMP"/codes.* | awk -v name="$name" -v s="$start" -v e="$end" -v p="$P" '{ n++; if ($1 != 200) bad++ }
    END { printf "%-7s throughput %.0f requests/s  (%d curl at once x %d requests, %.2f s, %d not 200)\n", name,
          n / (e - s), p, n / p, e - s, bad + 0 }'
  rm -f "$TMP"/codes.*
}
echo "$(date -u +%Y-%m-%d) $(git -C "$(dirname "$0")" rev-parse --short HEAD) $N requests, $P parallel"
latencies "$TMP/direct.cfg" -H "auth: $JWT" -H "accountid: acc-mock" | percentiles direct
latencies "$TMP/proxy.cfg" | percentiles proxy
throughput direct "$TMP/direct.cfg" -H "auth: $JWT" -H "accountid: acc-mock"
throughput proxy "$TMP/proxy.cfg"
