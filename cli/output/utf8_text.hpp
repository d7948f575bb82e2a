#pragma once
// UTF-8 for the formats people and spreadsheets read: the server's strings are printed as valid UTF-8, and a
// table measures and cuts them by code point, never inside one.
#include <cstddef>
#include <string>
#include <string_view>

namespace ccai::cli {

/// `text` with each byte that does not start or continue a well-formed UTF-8 sequence replaced by U+FFFD,
/// as `-o json` does (nlohmann's error_handler_t::replace): a terminal, a CSV reader or a YAML parser then
/// never sees a broken sequence.
std::string valid_utf8(std::string_view text);

/// The width of `text` on a terminal, counted as one column per code point (wide East Asian characters take
/// two columns on most terminals: a table holding them comes out a little wider than measured).
std::size_t display_width(std::string_view text);

/// `text` cut to at most `width` columns: when it is wider, its first `width - 1` code points and "…".
/// Cuts only between code points. `width` 0 gives "".
std::string fit_width(std::string_view text, std::size_t width);

}  // namespace ccai::cli
