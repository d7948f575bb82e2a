#pragma once
// Well-formed UTF-8 (RFC 3629): no overlong forms, no surrogates, nothing past U+10FFFF. JSON text must be
// UTF-8, and nlohmann::json throws when asked to write a string that is not; input is checked against this
// before it becomes JSON, so a Latin-1 CSV cell is a clear error instead of an abort.
#include <cstddef>
#include <optional>
#include <string_view>

namespace ccai {

/// The length of the well-formed UTF-8 sequence at the start of `s`, or 0 when there is none.
std::size_t utf8_sequence_length(std::string_view s);

/// The offset of the first byte of `s` that does not start a well-formed sequence, or nullopt when `s` is
/// all UTF-8.
std::optional<std::size_t> invalid_utf8_at(std::string_view s);

}  // namespace ccai
