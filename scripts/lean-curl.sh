#!/usr/bin/env bash
# Builds the libcurl ccai-cli links: Debian's own source of the installed libcurl (same version, same
# security patches, fetched and signature-checked by `apt-get source`), compiled as a static library with
# only what ccai-cli uses: HTTP and HTTPS over OpenSSL, gzip, the system's CA certificates (by hash).
#
# Why: Debian's libcurl.so.4 loads 26 more shared libraries (LDAP, Kerberos, RTMP with GnuTLS, SSH, IDN, PSL,
# brotli, zstd, nghttp2, ...) that an HTTPS call to the CCAI API never uses. Every process pays for mapping
# and relocating them: an empty program linked with -lcurl takes 13 ms and 490 page faults on our CI VM, one
# linked with libssl, libcrypto, zlib and hiredis 5.6 ms and 200. ccai-cli runs once per call in shell
# loops: this was ~40 % of a call (bench/RESULTS.md). Leaving the other protocols out also
# leaves out their code.
#
# Prints the install prefix (include/, lib/libcurl.a) on stdout; everything else goes to stderr.
# The result is cached per installed version (and version of this script) under .cache/lean-curl/: built
# once per machine, and again when apt upgrades libcurl (scripts/build.sh then links the new one).
#   scripts/lean-curl.sh            -> .cache/lean-curl/<version>-<recipe>/prefix
set -euo pipefail
recipe=$(sha256sum "${BASH_SOURCE[0]}" | cut -c1-12)  # a changed recipe (this file) builds anew
cd "$(dirname "${BASH_SOURCE[0]}")/.."
version=$(dpkg-query -W -f='${source:Version}' libcurl4-openssl-dev)
source_pkg=$(dpkg-query -W -f='${source:Package}' libcurl4-openssl-dev)
root=$PWD/.cache/lean-curl/$version-$recipe
prefix=$root/prefix
if [ -f "$prefix/lib/libcurl.a" ]; then echo "$prefix"; exit 0; fi

rm -rf "$root"
mkdir -p "$root/apt/lists/partial" "$root/apt/cache/archives/partial" "$root/apt/sources.list.d"
# A private apt configuration with the machine's own mirrors as deb-src, so nothing system-wide changes
# and no root is needed. apt checks the mirrors' signatures and the files' hashes as for any package.
for f in /etc/apt/sources.list.d/*.sources; do
  [ -e "$f" ] && sed 's/^Types:.*/Types: deb-src/' "$f" >"$root/apt/sources.list.d/$(basename "$f")"
done
for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
  [ -e "$f" ] && sed -n 's/^deb \(.*\)/deb-src \1/p' "$f" >>"$root/apt/sources.list.d/from-list.list"
done
apt_opts=(-o Dir::Etc::SourceList=/dev/null -o Dir::Etc::SourceParts="$root/apt/sources.list.d"
  -o Dir::State::Lists="$root/apt/lists" -o Dir::Cache="$root/apt/cache" -o APT::Sandbox::User="$(id -un)"
  -o Debug::NoLocking=1)
echo "lean-curl: fetching the source of $source_pkg $version" >&2
apt-get "${apt_opts[@]}" -qq update >&2
# The mirrors keep only the newest source of each suite: when a security update is out that this machine
# has not installed yet, that newer one is built (same upstream version, more fixes).
(cd "$root" && { apt-get "${apt_opts[@]}" -qq source "$source_pkg=$version" >&2 2>/dev/null ||
  apt-get "${apt_opts[@]}" -qq source "$source_pkg" >&2; })
src=$(find "$root" -maxdepth 1 -type d -name "$source_pkg-*" | head -1)
[ -n "$src" ] || { echo "lean-curl: apt-get source left no source tree" >&2; exit 1; }

echo "lean-curl: building a static libcurl (HTTP/HTTPS, OpenSSL, zlib)" >&2
# Trusted CAs: Debian's /etc/ssl/certs, looked up by hash (update-ca-certificates keeps the links), and not
# the ca-certificates.crt bundle Debian's libcurl also reads: parsing its ~140 certificates cost every HTTPS
# call ~23 ms (bench/RESULTS.md); the lookup reads the one CA a handshake needs.
# Compiled with Debian's hardening flags (stack protector, _FORTIFY_SOURCE), as Debian's own build is.
cflags="$(dpkg-buildflags --get CFLAGS) $(dpkg-buildflags --get CPPFLAGS) -ffunction-sections -fdata-sections"
cmake -S "$src" -B "$root/build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DCMAKE_INSTALL_PREFIX="$prefix" \
  -DCMAKE_POSITION_INDEPENDENT_CODE=ON -DCMAKE_C_FLAGS="$cflags" \
  -DBUILD_SHARED_LIBS=OFF -DBUILD_CURL_EXE=OFF -DBUILD_TESTING=OFF -DENABLE_MANUAL=OFF \
  -DHTTP_ONLY=ON -DCURL_USE_OPENSSL=ON -DCURL_ZLIB=ON -DCURL_BROTLI=OFF -DCURL_ZSTD=OFF \
  -DUSE_NGHTTP2=OFF -DUSE_LIBIDN2=OFF -DCURL_USE_LIBPSL=OFF -DCURL_USE_LIBSSH2=OFF -DCURL_USE_GSSAPI=OFF \
  -DCURL_DISABLE_LDAP=ON -DENABLE_UNIX_SOCKETS=ON \
  -DCURL_CA_BUNDLE=none -DCURL_CA_PATH=/etc/ssl/certs >"$root/configure.log" 2>&1 ||
  { tail -20 "$root/configure.log" >&2; exit 1; }
cmake --build "$root/build" -j"$(nproc)" >"$root/build.log" 2>&1 || { tail -20 "$root/build.log" >&2; exit 1; }
cmake --install "$root/build" >/dev/null
rm -rf "$root/apt" "$root/build" "$src" "$root"/*.tar.* "$root"/*.dsc  # ~70 MB; the prefix is 3 MB
echo "$prefix"
