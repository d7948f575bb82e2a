# shellcheck shell=bash
# time_in_turns REPS LABEL COMMAND [LABEL COMMAND ...]: runs each COMMAND (a string for eval, stdout
# discarded) REPS times and prints "LABEL  mean ms/call". The commands take turns, one call each per round,
# so a machine that gets busier or quieter during the run shifts all of them alike. Each call is timed with
# bash's $EPOCHREALTIME: no extra process per call.
time_in_turns() {
    local reps=$1 i r s e
    shift
    local -a labels=() cmds=() total=()
    while (($# >= 2)); do
        labels+=("$1") cmds+=("$2") total+=(0)
        shift 2
    done
    for ((r = 0; r < reps; r++)); do
        for i in "${!cmds[@]}"; do
            s=${EPOCHREALTIME//[.,]/}
            eval "${cmds[i]}" >/dev/null
            e=${EPOCHREALTIME//[.,]/}
            total[i]=$((total[i] + e - s))
        done
    done
    for i in "${!cmds[@]}"; do
        awk -v n="${labels[i]}" -v t="${total[i]}" -v r="$reps" 'BEGIN { printf "%-45s %7.2f ms/call\n", n, t / r / 1000 }'
    done
}
