#pragma once
// `-o table`: aligned columns for a person at a terminal, cut to the terminal's width.
#include <cstddef>
#include <cstdio>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace ccai::cli {

struct TableOptions {
    std::size_t width = 0;  ///< the terminal's columns; 0: no limit (not a terminal, or --wide)
    bool header = true;     ///< --no-headers turns it off
};

/// Widths for columns of `natural` widths separated by `gap` spaces within `limit` columns (0: no limit):
/// the narrow columns keep their width and the widest are cut to a common width, never below 3 (or their
/// own width); when even that does not fit, lines are wider than `limit`.
std::vector<std::size_t> fit_columns(const std::vector<std::size_t>& natural, std::size_t gap, std::size_t limit);

/// The rows of `result` (table_rows.hpp) as a table: an upper-case header, then one line per row; cells
/// escaped like -o text (one row, one line) and cut with "…" to fit.
void write_table(std::FILE* out, const nlohmann::json& result, const std::vector<std::string>& fields, const TableOptions& options);

}  // namespace ccai::cli
