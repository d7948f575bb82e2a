#include "ccai/jwt.hpp"

#include <openssl/crypto.h>

#include "ccai/redact.hpp"
#include "secrets/jwt_shape.hpp"
#include "secrets/sha256.hpp"
#include "ccai/limits.hpp"

namespace ccai {

namespace {
constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

// The MAC as bytes; the digest array it came from is cleansed, so only the returned string holds it.
std::string hmac_sha256(std::string_view key, std::string_view data) {
    auto digest = detail::hmac_sha256(key, data);
    std::string mac(reinterpret_cast<const char*>(digest.data()), digest.size());
    OPENSSL_cleanse(digest.data(), digest.size());
    return mac;
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
    // The signature makes the token: built in place (one buffer, sized up front, so no reallocation leaves a
    // copy behind), and its temporaries cleansed.
    auto mac = hmac_sha256(secret, signing_input);
    auto signature = base64url_encode(mac);
    std::string token;
    token.reserve(signing_input.size() + 1 + signature.size());
    token.append(signing_input).append(1, '.').append(signature);
    secure_clear(mac);
    secure_clear(signature);
    return token;
}

std::optional<nlohmann::json> verify_jwt(std::string_view token, std::string_view secret) {
    const auto dot1 = token.find('.');
    const auto dot2 = dot1 == std::string_view::npos ? dot1 : token.find('.', dot1 + 1);
    if (dot2 == std::string_view::npos || token.find('.', dot2 + 1) != std::string_view::npos) return std::nullopt;
    const auto header = base64url_decode(token.substr(0, dot1));
    const auto payload = base64url_decode(token.substr(dot1 + 1, dot2 - dot1 - 1));
    const auto sig = base64url_decode(token.substr(dot2 + 1));
    if (!header || !payload || !sig) return std::nullopt;
    const auto h = parse_json_bounded(*header);
    // value() throws when "alg" is there but not a string (fuzz_jwt): check the type first.
    if (!h.is_object() || !h.contains("alg") || h["alg"] != "HS256") return std::nullopt;
    // The expected signature is a valid one for whatever the caller sent: cleansed, so it cannot be found later.
    auto expected = hmac_sha256(secret, token.substr(0, dot2));
    const bool valid = expected.size() == sig->size() && CRYPTO_memcmp(expected.data(), sig->data(), expected.size()) == 0;
    OPENSSL_cleanse(expected.data(), expected.size());
    if (!valid) return std::nullopt;
    auto p = parse_json_bounded(*payload);
    if (!p.is_object()) return std::nullopt;
    return p;
}

namespace detail {
namespace {
bool base64url_char(char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
}
std::size_t skip_base64url(std::string_view t, std::size_t p) {
    while (p < t.size() && base64url_char(t[p])) ++p;
    return p;
}
}  // namespace

std::optional<std::pair<std::size_t, std::size_t>> find_jwt(std::string_view t, std::size_t from) {
    // eyJ[A-Za-z0-9_-]*\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*, leftmost first. A start that fails inside the first
    // part makes every later start in that part fail the same way, so the search resumes after it: each
    // character is looked at a bounded number of times.
    for (auto pos = t.find("eyJ", from); pos != std::string_view::npos;) {
        const auto dot1 = skip_base64url(t, pos + 3);
        if (dot1 < t.size() && t[dot1] == '.') {
            const auto dot2 = skip_base64url(t, dot1 + 1);
            if (dot2 > dot1 + 1 && dot2 < t.size() && t[dot2] == '.') return std::pair{pos, skip_base64url(t, dot2 + 1)};
        }
        pos = t.find("eyJ", dot1);
    }
    return std::nullopt;
}
}  // namespace detail

bool looks_like_jwt(std::string_view text) { return detail::find_jwt(text).has_value(); }

std::string redact_jwts(std::string text) {
    auto found = detail::find_jwt(text);
    if (!found) return text;  // the common case: nothing copied
    std::string out;
    std::size_t done = 0;
    for (; found; found = detail::find_jwt(text, done)) {
        out.append(text, done, found->first - done).append("***");
        done = found->second;
    }
    out.append(text, done);
    return out;
}

}  // namespace ccai
