// Finding a secret in text however it was escaped: as is, JSON-escaped, percent-encoded, or several of these
// on top of each other (a server's JSON error quoting the JSON body it was sent escapes it twice).
#pragma once

#include <cstddef>
#include <string_view>
#include <utility>
#include <vector>

namespace ccai::detail {

using Span = std::pair<std::size_t, std::size_t>;  // [begin, end) in the text searched

/// Layers of escaping looked through.
inline constexpr int kEscapeLayers = 3;

/// Adds to `out` the spans of `text` that spell `secret`: the text as it is, and every view of it decoded up
/// to kEscapeLayers times, each time as JSON string content (\" \\ \/ \n \u00e9 ...), as percent-encoding
/// (%2F, %2f) or as both at once, in any order. A '+' also matches a space (form encoding). Views are decoded
/// as bytes first and mapped back to positions only where the secret appears; each is linear in the length
/// of the text, and memory is bounded by a window of a few MiB however long the text is.
void find_secret(std::string_view text, std::string_view secret, std::vector<Span>& out);

}  // namespace ccai::detail
