// SHA-256 without OpenSSL 3's provider machinery. Its one-shot SHA256() and the EVP/HMAC APIs fetch the
// algorithm from the default provider, and the first fetch in a process builds the provider's whole method
// store: ~0.5 ms of CPU, a tenth of a one-call ccai-cli run (bench/RESULTS.md, single-call overhead). The
// SHA256_Init/Update/Final block functions are the same implementation without it (deprecated in 3.0, not
// removed).
#pragma once

#include <array>
#include <initializer_list>
#include <string_view>

namespace ccai::detail {

using Sha256Digest = std::array<unsigned char, 32>;

// The digest of the concatenated parts.
Sha256Digest sha256(std::initializer_list<std::string_view> parts);

}  // namespace ccai::detail
