#pragma once
/// @file limits.hpp
/// @brief The bounds every input from outside is held to, requests and responses alike: JSON nesting, body
/// and batch line sizes, and files that are opened without hanging on a FIFO that has no writer.
///
/// nlohmann::json parses and destroys without recursion, but copying and dumping a value recurse once per
/// level: 100,000 nested `[` overflow the stack. Every JSON text the SDK and the CLI take in (bodies, --set
/// values, batch lines and cells, responses, error bodies) is checked with json_depth_exceeded_at() or
/// parsed with parse_json_bounded(), so no deeper value ever exists in memory.

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "ccai/error.hpp"

namespace ccai {

/// @brief The deepest nesting of arrays and objects a JSON text may have (`[]` is 1).
inline constexpr std::size_t kMaxJsonDepth = 512;
/// @brief The largest request body (--body) or response body, in bytes.
inline constexpr std::size_t kMaxBodyBytes = std::size_t{64} << 20;
/// @brief The longest batch input line (a CSV record: all its physical lines), in bytes, without its newline.
inline constexpr std::size_t kMaxBatchLineBytes = std::size_t{1} << 20;

/// @brief The 0-based offset of the first `[` or `{` that opens a level past `max_depth`, counted outside
/// strings; nullopt when there is none. Linear and allocation-free: for valid JSON it is exact, and text it
/// miscounts is not JSON anyway.
std::optional<std::size_t> json_depth_exceeded_at(std::string_view text, std::size_t max_depth = kMaxJsonDepth);

/// @brief "JSON nested deeper than 512 levels", for messages.
std::string json_too_deep_text();

/// @brief nlohmann::json::parse for text from outside, without exceptions: a discarded value
/// (`is_discarded()`) when the text is not JSON or nests deeper than kMaxJsonDepth.
nlohmann::json parse_json_bounded(std::string_view text);

/// @brief Opens a file the user named as input (`--body @FILE`, `batch --input FILE`) for reading and
/// returns its descriptor, in blocking mode. The open itself never blocks: a FIFO with no writer reads as
/// empty instead of waiting forever. Regular files, pipes (`<(command)`, `/dev/stdin`) and sockets are
/// taken; a directory or a device (`/dev/zero`, a terminal) is refused as invalid input, its message
/// starting with `label`. The caller closes the descriptor.
Result<int> open_input_file(const std::string& path, std::string_view label);

/// @brief Reads `fd` to its end, or fails (invalid input, message starting with `label`) as soon as it
/// holds more than `max_bytes`: memory stays bounded whatever the source's length.
Result<std::string> read_bounded(int fd, std::size_t max_bytes, std::string_view label);

}  // namespace ccai
