#pragma once
// `-o text`: like `aws --output text`, one line per row and its values tab-separated, for `read`, `cut` and
// `awk -F'\t'`. One record stays on one line and one value in one column: the characters that would break
// either are written as backslash escapes. Tables escape their cells the same way.
#include <cstdio>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

namespace ccai::cli {

/// `value` with tab, newline, carriage return, backslash and NUL written as `\t`, `\n`, `\r`, `\\` and `\0`
/// (NUL too: a shell's `read` drops it silently), and the other control bytes (below 0x20, and DEL) as
/// `\xNN`, so a server's text cannot move a terminal's cursor or change its colours. Every other byte is
/// kept: read left to right, each backslash starts an escape, so the value reads back exactly.
std::string escape_text(std::string_view value);

/// One line of -o text: the cells escaped, tab-separated, and a newline.
std::string text_line(const std::vector<std::string>& cells);

/// The rows of `result` (table_rows.hpp), each on one line, its cells escaped and tab-separated. With
/// `header` (--headers) the column names come first; rows that are not objects are one value per line.
void write_text(std::FILE* out, const nlohmann::json& result, const std::vector<std::string>& fields, bool header);

}  // namespace ccai::cli
