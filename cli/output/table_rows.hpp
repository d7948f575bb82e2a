#pragma once
// What csv, text and table share: a result seen as rows, its columns, and the text of each cell.
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace ccai::cli {

/// The rows of a result: its elements when it is an array, else the result itself as the only row.
nlohmann::json as_rows(const nlohmann::json& result);

/// Which values become columns when no --fields names them.
enum class ColumnKeys {
    all,      ///< every key (csv, text: nested values are written as compact JSON)
    scalars,  ///< keys whose value is not an object or array (table: JSON in a column is no help to a reader)
};

/// The columns: `fields` in the order given; else the keys of the object rows, in the order first seen (the
/// order `-o json` prints them). Empty when no row is an object.
std::vector<std::string> columns_of(const nlohmann::json& rows, const std::vector<std::string>& fields, ColumnKeys keys);

/// A value as a cell: a string as it is (made valid UTF-8), null as "", anything else as compact JSON.
std::string cell_text(const nlohmann::json& value);

/// The cell of `row` under `column` (a key, or a dotted path into nested objects); "" when there is none.
std::string cell_at(const nlohmann::json& row, const std::string& column);

/// The cells of one row under `columns`; a row with no columns (not an object) is its own one cell.
std::vector<std::string> row_cells(const nlohmann::json& row, const std::vector<std::string>& columns);

}  // namespace ccai::cli
