#!/usr/bin/env bash
# One HTTPS call, certificate verified, ccai-cli against plain curl (not run in CI). A local TLS server
# (openssl s_server -WWW) serves a skill-group list, with a certificate signed by a test CA that is put
# among the system's trusted CAs inside a private mount namespace only: /etc/ssl/certs is a copy with the
# test CA added both as a hash link and to ca-certificates.crt, so every client verifies it its own way.
# Needs root (unshare -m, mount --bind).
# usage: bench/https_call.sh [BUILD_DIR] ; env: REPS (default 100), COMPARE (another ccai-cli binary)
set -euo pipefail
BUILD=$(realpath "${1:-build}")
CLI=$(realpath "$BUILD/cli/ccai-cli")
SELF=$(realpath "$0")
# shellcheck source=bench/lib/turns.sh
. "$(dirname "$SELF")/lib/turns.sh"
REPS=${REPS:-100}
COMPARE=${COMPARE:+$(realpath "$COMPARE")}
if [ "${IN_NAMESPACE:-}" != 1 ]; then
  WORK=$(mktemp -d)
  trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$WORK"' EXIT
  cd "$WORK"
  ec=(-newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes)
  openssl req -x509 "${ec[@]}" -days 1 -subj "/CN=bench CA" -keyout ca.key -out ca.pem 2>/dev/null
  openssl req "${ec[@]}" -subj /CN=127.0.0.1 -keyout server.key -out server.csr 2>/dev/null
  echo "subjectAltName=IP:127.0.0.1" >ext
  openssl x509 -req -in server.csr -CA ca.pem -CAkey ca.key -CAcreateserial -days 1 -extfile ext -out server.pem 2>/dev/null
  mkdir certs && cp -L /etc/ssl/certs/*.pem certs/ && cp ca.pem certs/bench-ca.pem
  cat /etc/ssl/certs/ca-certificates.crt ca.pem >certs/ca-certificates.crt
  openssl rehash certs 2>/dev/null  # (it skips the bundle, which holds many)
  path=agentassist/api/v1/public/st-bench/skill-groups
  mkdir -p "www/$(dirname "$path")" && echo '{"hasMore":false,"results":[{"id":"sg-1","name":"bench"}]}' >"www/$path"
  port=$((20000 + RANDOM % 20000))
  (cd www && exec openssl s_server -accept "127.0.0.1:$port" -cert ../server.pem -key ../server.key -WWW -quiet) >/dev/null 2>&1 &
  for _ in $(seq 100); do (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break; sleep 0.05; done  # up
  unshare -m env IN_NAMESPACE=1 PORT=$port CERTS="$WORK/certs" WORK="$WORK" "$SELF" "$BUILD"
  exit  # not exec'd above: this shell's trap stops the server and removes WORK
fi
mount --bind "$CERTS" /etc/ssl/certs
export CCAI_CLIENT_ID=cs-bench CCAI_CLIENT_SECRET=bench-secret XDG_CONFIG_HOME=$WORK/cfg XDG_STATE_HOME=$WORK/state
URL="https://127.0.0.1:$PORT/agentassist/api/v1/public/st-bench/skill-groups"
FLAGS=(--host "https://127.0.0.1:$PORT" --account-id acc-bench --bot-id st-bench --rate-limit 1000000/1s -q --max-attempts 1)
names=(curl "ccai-cli" "ccai-cli --pacer memory")
cmds=("curl -sS --fail -o /dev/null -H 'auth: x' $URL"
      "$CLI ${FLAGS[*]} skill-groups list"
      "$CLI ${FLAGS[*]} --pacer memory skill-groups list")
if [ -n "${COMPARE:-}" ]; then names+=("$COMPARE (memory)"); cmds+=("$COMPARE ${FLAGS[*]} --pacer memory skill-groups list"); fi
for c in "${cmds[@]}"; do eval "$c" >/dev/null || { echo "failed: $c" >&2; exit 1; }; done
runs=()
for i in "${!cmds[@]}"; do runs+=("${names[i]}" "${cmds[i]}"); done
time_in_turns "$REPS" "${runs[@]}"
