# shellcheck shell=bash
# Starts ccai-mock for a script (the demo, the benchmarks) on a free port
# and waits until it serves. Sourced, not run: the mock must be a job of the calling shell, so the caller's
# own cleanup (kill "$MOCK_PID", or kill $(jobs -p)) stops it. Safe under `set -euo pipefail`.
#
#   mock_start MOCK_BINARY WORK_DIR [ccai-mock args...]
#
# runs MOCK_BINARY --port 0 ARGS in the background, its stdout and stderr in files in WORK_DIR, and waits
# up to 5 s for its first stdout line, `listening on http://HOST:PORT` (mock/main.cpp). Then it sets
# MOCK_PID, MOCK_PORT and MOCK_URL (http://127.0.0.1:PORT with the default --host). If the mock exits
# first or does not listen in time, it says why on stderr (with the mock's own stderr), stops the mock,
# leaves MOCK_PID empty and returns 1. Call it directly, not in $(...), which would lose the variables
# and the job.

# shellcheck disable=SC2034  # MOCK_PID, MOCK_PORT and MOCK_URL are for the caller
mock_start() {
    if [ $# -lt 2 ]; then
        echo "usage: mock_start MOCK_BINARY WORK_DIR [ccai-mock args...]" >&2
        return 2
    fi
    local mock=$1 dir=$2 base line='' status=0 deadline
    shift 2
    MOCK_PID='' MOCK_PORT='' MOCK_URL=''
    # A name of its own per start: a script may start several mocks in one WORK_DIR.
    base=$(mktemp "$dir/mock.XXXXXX")
    : >"$base.out"  # exists before the first read below, whenever the job gets to open it
    "$mock" --port 0 "$@" >"$base.out" 2>"$base.err" &
    local pid=$!
    # Port 0: the kernel picks a free port, which the mock reports once it is bound. Only a whole line
    # counts (read fails without the newline), so a half-written port is never taken.
    deadline=$((${EPOCHREALTIME//[.,]/} + 5000000))
    while :; do
        if IFS= read -r line <"$base.out" && [[ $line == 'listening on '* ]]; then
            MOCK_URL=${line#listening on }
            MOCK_PORT=${MOCK_URL##*:}
            break
        fi
        kill -0 "$pid" 2>/dev/null || break
        ((${EPOCHREALTIME//[.,]/} < deadline)) || break
        sleep 0.05
    done
    if [[ $MOCK_URL == http://* && $MOCK_PORT =~ ^[0-9]+$ ]]; then
        MOCK_PID=$pid
        return 0
    fi
    if kill -0 "$pid" 2>/dev/null; then
        echo "mock_start: $mock did not report a listening port within 5 s" >&2
        kill "$pid" 2>/dev/null || true
        wait "$pid" 2>/dev/null || true
    else
        wait "$pid" 2>/dev/null || status=$?
        echo "mock_start: $mock exited (status $status) before listening" >&2
    fi
    sed 's/^/  > /' "$base.out" "$base.err" >&2
    MOCK_PORT='' MOCK_URL=''
    return 1
}
