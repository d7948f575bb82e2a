#include "output/table_rows.hpp"

#include <algorithm>

#include "ccai/pagination.hpp"
#include "output/utf8_text.hpp"

namespace ccai::cli {

nlohmann::json as_rows(const nlohmann::json& result) {
    return result.is_array() ? result : nlohmann::json::array({result});
}

std::vector<std::string> columns_of(const nlohmann::json& rows, const std::vector<std::string>& fields, ColumnKeys keys) {
    if (!fields.empty()) return fields;
    std::vector<std::string> cols;
    for (const auto& r : rows)
        if (r.is_object())
            for (const auto& [k, v] : r.items())
                if ((keys == ColumnKeys::all || !v.is_structured()) && std::find(cols.begin(), cols.end(), k) == cols.end())
                    cols.push_back(k);
    return cols;
}

std::string cell_text(const nlohmann::json& value) {
    if (value.is_string()) return valid_utf8(value.get_ref<const std::string&>());
    if (value.is_null()) return "";
    return value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::string cell_at(const nlohmann::json& row, const std::string& column) {
    const auto* v = json_at_path(row, column);
    return v ? cell_text(*v) : "";
}

std::vector<std::string> row_cells(const nlohmann::json& row, const std::vector<std::string>& columns) {
    if (columns.empty()) return {cell_text(row)};
    std::vector<std::string> cells;
    cells.reserve(columns.size());
    for (const auto& c : columns) cells.push_back(cell_at(row, c));
    return cells;
}

}  // namespace ccai::cli
