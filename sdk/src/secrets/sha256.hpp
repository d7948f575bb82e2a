// SHA-256 and HMAC-SHA256 through OpenSSL 3's supported one-shot APIs (EVP_Digest, HMAC).
#pragma once

#include <array>
#include <string_view>

namespace ccai::detail {

using Sha256Digest = std::array<unsigned char, 32>;

Sha256Digest sha256(std::string_view data);

// HMAC-SHA256 (RFC 2104) of data under key. The caller cleanses the result when it is secret.
Sha256Digest hmac_sha256(std::string_view key, std::string_view data);

}  // namespace ccai::detail
