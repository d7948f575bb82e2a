#include "secrets/sha256.hpp"

#include <openssl/crypto.h>
#define OPENSSL_SUPPRESS_DEPRECATED
#include <openssl/sha.h>

namespace ccai::detail {

static_assert(SHA256_DIGEST_LENGTH == std::tuple_size_v<Sha256Digest>);

Sha256Digest sha256(std::initializer_list<std::string_view> parts) {
    SHA256_CTX ctx;
    SHA256_Init(&ctx);
    for (auto p : parts) SHA256_Update(&ctx, p.data(), p.size());
    Sha256Digest out{};
    SHA256_Final(out.data(), &ctx);
    // After an HMAC key block the state is as good as the key (the HMAC "midstate"): never left behind.
    OPENSSL_cleanse(&ctx, sizeof ctx);
    return out;
}

}  // namespace ccai::detail
