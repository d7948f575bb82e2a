#!/usr/bin/env bash
# Regenerates the files ccai-cli prints about itself and that are committed: the shell completions in
# completions/ and the command reference docs/commands.md. Run after changing the command tree or
# endpoints/endpoints.json; the completion and reference tests diff these files against the binary.
#   scripts/update-goldens.sh                  uses ./build/cli/ccai-cli (building it first)
#   BUILD_DIR=build-x scripts/update-goldens.sh
#   CCAI_CLI=/path/to/ccai-cli scripts/update-goldens.sh   (no build; a relative path is from the repo root)
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD_DIR=${BUILD_DIR:-build}
if [ -z "${CCAI_CLI:-}" ]; then
  [ -f "$BUILD_DIR/build.ninja" ] || [ -f "$BUILD_DIR/Makefile" ] || cmake -S . -B "$BUILD_DIR" -G Ninja >/dev/null
  cmake --build "$BUILD_DIR" --target ccai-cli
  CCAI_CLI=$BUILD_DIR/cli/ccai-cli
fi
mkdir -p completions docs
# Write each file only when the command succeeds, so a failure never leaves an empty golden behind.
write() {
  local out=$1
  shift
  "$CCAI_CLI" "$@" >"$out.tmp" && mv "$out.tmp" "$out" || { rm -f "$out.tmp"; echo "failed: $CCAI_CLI $*" >&2; exit 1; }
}
write completions/ccai-cli.bash completion bash
write completions/_ccai-cli completion zsh
write completions/ccai-cli.fish completion fish
write docs/commands.md reference --format markdown
git status --short -- completions docs/commands.md
