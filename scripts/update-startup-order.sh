#!/usr/bin/env bash
# Regenerates cli/startup-order.txt: the code sections a typical ccai-cli call executes, which the linker
# (gold, --section-ordering-file) places together in .text. A call runs ~430 of the executable's functions
# (~280 KiB); left where the linker puts them they lie in ~30 of .text's 64 KiB blocks, and each block is a
# page fault (the kernel maps file pages in 64 KiB blocks). Together they take ~7 (bench/RESULTS.md).
#
# The list is measured, not written by hand: valgrind's callgrind runs ccai-cli against ccai-mock and
# reports every function it entered. A stale list costs only speed: names that no longer exist are
# ignored, and functions missing from it are linked where they would have been anyway.
# Run it after larger changes to what a call does; it needs valgrind.
#   scripts/update-startup-order.sh            uses ./build (building ccai-cli and ccai-mock first)
#   BUILD_DIR=build-x scripts/update-startup-order.sh
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=scripts/lib/mock.sh
. scripts/lib/mock.sh
BUILD_DIR=${BUILD_DIR:-build}
cmake --build "$BUILD_DIR" --target ccai-cli ccai-mock
CLI=$(realpath "$BUILD_DIR/cli/ccai-cli")
WORK=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$WORK"' EXIT
export CCAI_CLIENT_ID=cs-mock CCAI_CLIENT_SECRET=mock-secret XDG_CONFIG_HOME=$WORK/cfg XDG_STATE_HOME=$WORK/state
mock_start "$BUILD_DIR/mock/ccai-mock" "$WORK" --rate-limit none
FLAGS=(--host "$MOCK_URL" --account-id acc-1 --bot-id st-1)

# Typical calls: a create with a JSON body, a list with the default (file) pacer and with the in-process
# pacer, a get with a path parameter and table output, and a get of an id that does not exist (the error path).
"$CLI" "${FLAGS[@]}" skill-groups create --set name=order >"$WORK/group.json"
GROUP=$(sed -n 's/.*"id":"\([^"]*\)".*/\1/p' "$WORK/group.json")
calls=(
  "skill-groups create --set name=order"
  "skill-groups list"
  "--pacer memory skill-groups list"
  "-o table skill-groups get --skill-group-id $GROUP"
  "skill-groups get --skill-group-id no-such-group"
)
i=0
for call in "${calls[@]}"; do
  # shellcheck disable=SC2086  # each call is a list of words
  valgrind -q --tool=callgrind --demangle=no --callgrind-out-file="$WORK/cg.$((i++))" \
    "$CLI" "${FLAGS[@]}" $call >/dev/null 2>&1 || true
done

# callgrind names each object (ob=) and function (fn=, cfn=) once, then refers to it by number; a fn=
# line means the function ran, in the object of the latest ob= line. Functions are in their own sections
# (-ffunction-sections): .text.NAME, or .text.startup.NAME for main and static initialisers. A complete-
# object constructor or destructor (C1, D1) is an alias of the base one (C2, D2), whose name the section has.
awk -v exe="$CLI" '
  function name(line) { sub(/^[a-z]+=\([0-9]+\) ?/, "", line); return line }
  function number(line) { sub(/^[a-z]+=\(/, "", line); sub(/\).*/, "", line); return line }
  FNR == 1 { split("", obs); split("", fns) }
  /^c?ob=\(/ { id = number($0); if (name($0) != "") obs[id] = name($0); if (/^ob=/) ob = obs[id]; next }
  /^c?fn=\(/ {
    id = number($0); if (name($0) != "") fns[id] = name($0)
    if (/^fn=/ && ob == exe) ran[fns[id]] = 1
  }
  END {
    for (f in ran) {
      if (f ~ /^(main|_GLOBAL__sub_I_.*)$/) { print ".text.startup." f; continue }
      if (f ~ /^[_A-Za-z]/) print ".text." f
      base = f; if (sub(/C1E/, "C2E", base) || sub(/C1I/, "C2I", base) || sub(/D1E/, "D2E", base)) print ".text." base
    }
  }' "$WORK"/cg.* | LC_ALL=C sort -u >cli/startup-order.txt
echo "cli/startup-order.txt: $(wc -l <cli/startup-order.txt) sections" >&2
