// TOML 1.0 allows non-ASCII characters only inside strings and comments. toml++ 3.3.0 (Debian's) classifies
// such a character elsewhere with a whitespace table that reaches __builtin_unreachable() for most of them
// (U+00A1-U+0499, U+2D3E-U+3137, U+FBC6-U+FEFE): undefined behaviour before it reports the syntax error.
// Config::load checks the text with this first, so toml++ only ever sees what it handles.
#pragma once

#include <cstddef>
#include <optional>
#include <string_view>

namespace ccai::detail {

struct TextPosition {
    std::size_t line = 1;    // 1-based
    std::size_t column = 1;  // 1-based, in bytes
};

// The first byte >= 0x80 outside a string or comment, or nullopt. Follows TOML's lexical rules for
// "basic", 'literal', """multi-line basic""" and '''multi-line literal''' strings and # comments; a
// single-line string ends at its line's end, as it does for toml++ (which then reports the error).
std::optional<TextPosition> first_non_ascii_outside_strings(std::string_view text);

}  // namespace ccai::detail
