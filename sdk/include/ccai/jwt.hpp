#pragma once
/// @file jwt.hpp
/// @brief HS256 JWTs as the CCAI `auth` header wants them: `{"sub", "appId", "iat", "exp"[, "jti"]}`.

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace ccai {

struct JwtClaims {
    std::string sub;
    std::string app_id;  ///< the app's client id
    long long iat = 0;   ///< issued at, seconds since the epoch
    long long exp = 0;   ///< expiry, seconds since the epoch
    std::optional<std::string> jti;  ///< for apps that enforce unique token ids
};

/// @brief header.payload.signature, signed HMAC-SHA256 with `secret`.
std::string mint_jwt(const JwtClaims& claims, std::string_view secret);

/// @brief Verifies an HS256 token's signature; returns its payload, or nullopt when malformed or forged.
/// Does not check expiry: callers decide (the mock accepts any unexpired token).
std::optional<nlohmann::json> verify_jwt(std::string_view token, std::string_view secret);

/// @brief base64url without padding (RFC 7515 §2).
std::string base64url_encode(std::string_view data);
std::optional<std::string> base64url_decode(std::string_view text);

/// @brief True when `text` contains something shaped like a JWT (three base64url parts starting "eyJ").
bool looks_like_jwt(std::string_view text);

/// @brief Replace every JWT-shaped run in `text` with "***".
std::string redact_jwts(std::string text);

}  // namespace ccai
