// Checks of the CA files and directories TLS trust may come from (the ca_bundle setting, SSL_CERT_FILE, ...),
// so that a wrong path is a configuration error before any request, not a failed handshake after it.
#pragma once

#include <string>

namespace ccai::detail {

/// Why `path` cannot serve as a CA bundle (a readable regular file holding a PEM certificate), or "" when it
/// can. Never blocks: a FIFO is refused, not opened for reading.
std::string ca_file_problem(const std::string& path);

/// Why `paths` (one directory, or several separated by ':' as OpenSSL reads SSL_CERT_DIR) cannot serve as
/// CA directories, or "".
std::string ca_dir_problem(const std::string& paths);

/// True when `dir` holds OpenSSL hash links (`5ed36f99.0`, as `openssl rehash` and Debian's
/// update-ca-certificates make them), so that a TLS library can look a CA up there by its subject's hash.
/// Reads the directory only until the first one.
bool holds_hash_links(const char* dir);

}  // namespace ccai::detail
