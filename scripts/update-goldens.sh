#!/usr/bin/env bash
# Regenerates the files ccai-cli prints about itself and that are committed: the shell completions in
# completions/ and the command reference docs/commands.md. Run after changing the command tree or
# endpoints/endpoints.json; the completion and reference tests diff these files against the binary.
#   scripts/update-goldens.sh                  uses ./build/cli/ccai-cli (building it first)
#   BUILD_DIR=build-x scripts/update-goldens.sh
#   CCAI_CLI=/path/to/ccai-cli scripts/update-goldens.sh   (no build)
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD_DIR=${BUILD_DIR:-build}
if [ -z "${CCAI_CLI:-}" ]; then
  [ -f "$BUILD_DIR/build.ninja" ] || [ -f "$BUILD_DIR/Makefile" ] || cmake -S . -B "$BUILD_DIR" -G Ninja >/dev/null
  cmake --build "$BUILD_DIR" --target ccai-cli
  CCAI_CLI=$BUILD_DIR/cli/ccai-cli
fi
mkdir -p completions docs
"$CCAI_CLI" completion bash >completions/ccai-cli.bash
"$CCAI_CLI" completion zsh >completions/_ccai-cli
"$CCAI_CLI" completion fish >completions/ccai-cli.fish
"$CCAI_CLI" reference --format markdown >docs/commands.md
git status --short -- completions docs/commands.md
