#!/usr/bin/env bash
# Installs the Debian packages ccai-cli needs to build and test. As root it runs apt-get; otherwise it
# prints the exact command and fails, so nothing is installed behind the user's back.
set -euo pipefail
#   scripts/deps.sh [build|test|fuzz]   what to build and run ccai-cli and ccai-mock; + the tests (default);
#                                       + the libFuzzer build
BUILD=(cmake ninja-build g++ pkg-config ccache
  libcurl4-openssl-dev libcli11-dev nlohmann-json3-dev libfmt-dev libssl-dev
  libcpp-httplib-dev libhiredis-dev libtomlplusplus-dev
  libjq-dev libyaml-cpp-dev)  # --jq, -o yaml
TEST=(doctest-dev redis-server curl openssl zsh fish groff-base
  dpkg-dev)  # dpkg-shlibdeps: the .deb's dependencies (cpack -G DEB)
FUZZ=(clang libclang-rt-dev)
case ${1:-test} in
  build) PACKAGES=("${BUILD[@]}") ;;
  test) PACKAGES=("${BUILD[@]}" "${TEST[@]}") ;;
  fuzz) PACKAGES=("${BUILD[@]}" "${FUZZ[@]}") ;;
  *) echo "usage: scripts/deps.sh [build|test|fuzz]" >&2; exit 2 ;;
esac
missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" -ne 0 ]; then
  echo "missing packages; run: sudo apt-get update && sudo apt-get install -y ${missing[*]}" >&2
  exit 1
fi
echo "installing: ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
