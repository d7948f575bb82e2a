#include "secrets/sha256.hpp"

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <cstdio>
#include <cstdlib>

namespace ccai::detail {

namespace {
// Only a broken OpenSSL installation fails here. No digest beats a wrong one: an all-zero MAC would verify
// any token signed with zeros.
[[noreturn]] void crypto_failed(const char* what) {
    std::fprintf(stderr, "ccai: %s failed in OpenSSL\n", what);
    std::abort();
}
}  // namespace

Sha256Digest sha256(std::string_view data) {
    Sha256Digest out{};
    unsigned int len = 0;
    if (EVP_Digest(data.data(), data.size(), out.data(), &len, EVP_sha256(), nullptr) != 1 || len != out.size())
        crypto_failed("SHA-256");
    return out;
}

Sha256Digest hmac_sha256(std::string_view key, std::string_view data) {
    Sha256Digest out{};
    unsigned int len = 0;
    // HMAC() keeps its key-derived state in a context it cleanses and frees before returning.
    if (HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()), reinterpret_cast<const unsigned char*>(data.data()),
             data.size(), out.data(), &len) == nullptr ||
        len != out.size())
        crypto_failed("HMAC-SHA256");
    return out;
}

}  // namespace ccai::detail
