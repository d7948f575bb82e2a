#pragma once
// The token clients of a proxy reachable from other hosts must present (Authorization: Bearer TOKEN).
#include <string>
#include <string_view>

#include "ccai/error.hpp"

namespace ccai::cli::proxy {

/// Shorter tokens are refused: one that can be guessed guards nothing.
inline constexpr std::size_t kMinTokenLength = 16;

/// The token in `path`, checked like a credentials file: a regular file, not a symlink, yours, mode 600 (no
/// group or other bits), at most 4 KiB; one line (a final newline is dropped), no control character, at
/// least kMinTokenLength bytes. Errors are config errors that never quote the token.
Result<std::string> read_token_file(const std::string& path);

/// The token's own rules (length, characters) for a token from the environment; `origin` names it.
Result<std::string> check_token(std::string token, std::string_view origin);

/// True when the Authorization header's value is "Bearer TOKEN" for this token. Compared in time that does
/// not depend on where the values differ.
bool bearer_matches(std::string_view authorization, std::string_view token);

}  // namespace ccai::cli::proxy
