#!/usr/bin/env bash
# The README's first command: build, start the bundled ccai-mock, and run a realistic session against it:
# provision a skill group, skills, agents and a queue, list them, then fire a burst of one-process-per-call
# shell jobs at the account's (scaled) rate limit and show that the service rejected none of them.
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=scripts/lib/mock.sh
. scripts/lib/mock.sh  # relative to the repository root, after the cd
scripts/deps.sh build
scripts/build.sh ccai-cli ccai-mock >/dev/null  # only what the demo runs
B=${BUILD_DIR:-build}
cli=$B/cli/ccai-cli

work=$(mktemp -d)
cleanup() { [ -n "${MOCK_PID:-}" ] && kill "$MOCK_PID" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT
# A scaled limit (20 calls per 4 s instead of 60 per minute) so the demo takes seconds, not minutes.
LIMIT=20/4s
mock_start "$B/mock/ccai-mock" "$work" --rate-limit "$LIMIT" --log "$work/requests.jsonl"

export CCAI_HOST=$MOCK_URL CCAI_ACCOUNT_ID=acc-demo CCAI_BOT_ID=st-demo CCAI_ORG_ID=o-demo \
       CCAI_CLIENT_ID=cs-mock CCAI_CLIENT_SECRET=mock-secret CCAI_RATE_LIMIT=$LIMIT \
       CCAI_PACER_DIR=$work/pacer XDG_CONFIG_HOME=$work/config
step() { printf '\n\033[1m$ %s\033[0m\n' "$*"; }
run() { step "ccai-cli $*"; "$cli" "$@"; }

echo "ccai-mock on port $MOCK_PORT, account limit $LIMIT (the real service: 60/1m)"
step "ccai-cli skill-groups create --set name=Languages -o text --fields id"
sg=$("$cli" skill-groups create --set name=Languages -o text --fields id); echo "$sg"
for lang in French German; do
  run skills create --skill-group-id "$sg" --set name=$lang --set skillGroupId="$sg" -o text --fields id,name
done
run agent-groups create --set name=Tier-1 --set description="First line" -o text --fields id,name
for who in ada:Lovelace grace:Hopper; do
  first=${who%%:*}; last=${who#*:}
  run agents create --body "{\"emailId\":\"$first@example.com\",\"firstName\":\"$first\",\"lastName\":\"$last\",\"roleId\":\"agent\"}" \
      -o text --fields emailId,firstName
done
run queues create --set name=Support -o text --fields id,name
run skills list --skill-group-id "$sg" -o table --fields id,name
run agents list -o table --fields emailId,firstName,lastName
run queues list -o table --fields id,name

calls=45
step "for i in \$(seq $calls); do ccai-cli queues list & done; wait   # $calls processes at once"
start=$(date +%s%N)
pids=()
for _ in $(seq $calls); do "$cli" queues list -q >/dev/null & pids+=($!); done
wait "${pids[@]}"
end=$(date +%s%N)
total=$(wc -l <"$work/requests.jsonl")
rejected=$(grep -c '"status":429' "$work/requests.jsonl" || true)
ms=$(( (end - start) / 1000000 ))
echo "$calls calls in $((ms / 1000)).$(( ms % 1000 / 100 )) s, spread by the shared pacer;" \
     "requests seen by the service: $total, rejected with 429: $rejected"
run pacer status
[ "$rejected" -eq 0 ]
