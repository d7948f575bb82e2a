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

/// fit_columns with the table's gap between columns.
std::vector<std::size_t> fit_table(const std::vector<std::size_t>& natural, std::size_t limit);

/// The header cells: the column names, escaped and upper-cased.
std::vector<std::string> table_header(const std::vector<std::string>& columns);

/// The cells of one row under `columns`, escaped like -o text.
std::vector<std::string> table_cells(const nlohmann::json& row, const std::vector<std::string>& columns);

/// Raises `widths` to the display width of each of `cells`.
void widen_to_fit(std::vector<std::size_t>& widths, const std::vector<std::string>& cells);

/// One line of the table: each cell padded to its width plus the gap, trailing spaces dropped. A cell wider
/// than its column is cut with "…" when `cut`, else written whole (the columns after it shift).
std::string table_line(const std::vector<std::string>& cells, const std::vector<std::size_t>& widths, bool cut);

/// A row with no columns (a scalar): its value escaped, cut to `width` (0: whole).
std::string table_value_line(const nlohmann::json& row, std::size_t width);

/// The rows of `result` (table_rows.hpp) as a table: an upper-case header, then one line per row; cells
/// escaped like -o text (one row, one line) and cut with "…" to fit.
void write_table(std::FILE* out, const nlohmann::json& result, const std::vector<std::string>& fields, const TableOptions& options);

}  // namespace ccai::cli
