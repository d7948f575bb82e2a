// toml++ 3.3.0 (Debian's) classifies characters with a whitespace table that reaches __builtin_unreachable()
// for most non-ASCII ones (U+00A1-U+0499, U+2D3E-U+3137, U+FBC6-U+FEFE): undefined behaviour wherever it
// asks "is this whitespace?" of such a character, which it does for every character of a bare key or bare
// value (also invalid ones, while finding their end) and after a line-ending backslash. It does not ask inside
// strings and comments. Config::load checks the text with this first, so toml++ never meets the bug.
#pragma once

#include <cstddef>
#include <optional>
#include <string_view>

namespace ccai::detail {

struct TextPosition {
    std::size_t line = 1;    // 1-based
    std::size_t column = 1;  // 1-based, in bytes
};

// The first non-ASCII byte that is neither in a comment nor in the quoted value of a `key = "value"` line
// (basic, 'literal', """multi-line""" or '''multi-line literal'''), or nullopt. Deliberately narrower than
// TOML, which also allows non-ASCII in quoted keys, arrays and inline tables: those are where a scanner this
// small could disagree with toml++ about where a string starts, and a ccai profile holds only scalar values.
std::optional<TextPosition> first_non_ascii_outside_values(std::string_view text);

}  // namespace ccai::detail
