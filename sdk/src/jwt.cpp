#include "ccai/jwt.hpp"

// The one-shot HMAC()/EVP API of OpenSSL 3 fetches the algorithm from the default provider, and the first
// fetch in a process builds the provider's whole method store: ~0.5 ms of a one-call CLI run. The SHA-256
// block functions are the same implementation without that machinery (deprecated in 3.0, not removed).
#define OPENSSL_SUPPRESS_DEPRECATED
#include <openssl/crypto.h>
#include <openssl/sha.h>

#include <algorithm>
#include <array>
#include <regex>

namespace ccai {

namespace {
constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

// HMAC-SHA256 (RFC 2104): H((K ^ opad) || H((K ^ ipad) || data)), K padded to the 64-byte block.
std::string hmac_sha256(std::string_view key, std::string_view data) {
    std::array<unsigned char, SHA256_CBLOCK> block{};
    if (key.size() > block.size())
        SHA256(reinterpret_cast<const unsigned char*>(key.data()), key.size(), block.data());
    else
        std::copy(key.begin(), key.end(), block.begin());
    std::array<unsigned char, SHA256_CBLOCK> pad{};
    std::array<unsigned char, SHA256_DIGEST_LENGTH> inner{};
    std::array<unsigned char, SHA256_DIGEST_LENGTH> out{};
    SHA256_CTX ctx;
    for (size_t i = 0; i < pad.size(); ++i) pad[i] = block[i] ^ 0x36;
    SHA256_Init(&ctx);
    SHA256_Update(&ctx, pad.data(), pad.size());
    SHA256_Update(&ctx, data.data(), data.size());
    SHA256_Final(inner.data(), &ctx);
    for (size_t i = 0; i < pad.size(); ++i) pad[i] = block[i] ^ 0x5c;
    SHA256_Init(&ctx);
    SHA256_Update(&ctx, pad.data(), pad.size());
    SHA256_Update(&ctx, inner.data(), inner.size());
    SHA256_Final(out.data(), &ctx);
    OPENSSL_cleanse(block.data(), block.size());
    OPENSSL_cleanse(pad.data(), pad.size());
    return {reinterpret_cast<const char*>(out.data()), out.size()};
}
}  // namespace

std::string base64url_encode(std::string_view data) {
    std::string out;
    out.reserve((data.size() + 2) / 3 * 4);
    unsigned int buf = 0;
    int bits = 0;
    for (unsigned char c : data) {
        buf = (buf << 8) | c;
        bits += 8;
        while (bits >= 6) {
            bits -= 6;
            out += kAlphabet[(buf >> bits) & 0x3f];
        }
    }
    if (bits > 0) out += kAlphabet[(buf << (6 - bits)) & 0x3f];
    return out;
}

std::optional<std::string> base64url_decode(std::string_view text) {
    std::string out;
    unsigned int buf = 0;
    int bits = 0;
    for (char c : text) {
        const char* p = std::char_traits<char>::find(kAlphabet, 64, c);
        if (p == nullptr) return std::nullopt;
        buf = (buf << 6) | static_cast<unsigned int>(p - kAlphabet);
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            out += static_cast<char>((buf >> bits) & 0xff);
        }
    }
    if (bits >= 6) return std::nullopt;  // a lone trailing character cannot encode a byte
    return out;
}

std::string mint_jwt(const JwtClaims& c, std::string_view secret) {
    nlohmann::json payload = {{"sub", c.sub}, {"appId", c.app_id}, {"iat", c.iat}, {"exp", c.exp}};
    if (c.jti) payload["jti"] = *c.jti;
    const std::string signing_input =
        base64url_encode(R"({"alg":"HS256","typ":"JWT"})") + "." + base64url_encode(payload.dump());
    return signing_input + "." + base64url_encode(hmac_sha256(secret, signing_input));
}

std::optional<nlohmann::json> verify_jwt(std::string_view token, std::string_view secret) {
    const auto dot1 = token.find('.');
    const auto dot2 = dot1 == std::string_view::npos ? dot1 : token.find('.', dot1 + 1);
    if (dot2 == std::string_view::npos || token.find('.', dot2 + 1) != std::string_view::npos) return std::nullopt;
    const auto header = base64url_decode(token.substr(0, dot1));
    const auto payload = base64url_decode(token.substr(dot1 + 1, dot2 - dot1 - 1));
    const auto sig = base64url_decode(token.substr(dot2 + 1));
    if (!header || !payload || !sig) return std::nullopt;
    const auto h = nlohmann::json::parse(*header, nullptr, false);
    // value() throws when "alg" is there but not a string (fuzz_jwt): check the type first.
    if (!h.is_object() || !h.contains("alg") || h["alg"] != "HS256") return std::nullopt;
    const auto expected = hmac_sha256(secret, token.substr(0, dot2));
    if (expected.size() != sig->size() || CRYPTO_memcmp(expected.data(), sig->data(), expected.size()) != 0)
        return std::nullopt;
    auto p = nlohmann::json::parse(*payload, nullptr, false);
    if (!p.is_object()) return std::nullopt;
    return p;
}

namespace {
const std::regex& jwt_pattern() {
    static const std::regex re(R"(eyJ[A-Za-z0-9_-]*\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*)");
    return re;
}
}  // namespace

bool looks_like_jwt(std::string_view text) {
    return std::regex_search(text.begin(), text.end(), jwt_pattern());
}

std::string redact_jwts(std::string text) {
    if (text.find("eyJ") == std::string::npos) return text;  // fast path: no JWT can be in here
    return std::regex_replace(text, jwt_pattern(), "***");
}

}  // namespace ccai
