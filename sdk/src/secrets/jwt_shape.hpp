// The JWT shape redaction looks for: "eyJ" (base64url of `{"`), then three base64url parts joined by dots.
#pragma once

#include <cstddef>
#include <optional>
#include <string_view>
#include <utility>

namespace ccai::detail {

/// [begin, end) of the first JWT-shaped run of `text` at or after `from`. Linear in the length of `text`
/// (a scan, not std::regex, whose backtracking recursed once per character: a long run overflowed the stack).
std::optional<std::pair<std::size_t, std::size_t>> find_jwt(std::string_view text, std::size_t from = 0);

}  // namespace ccai::detail
