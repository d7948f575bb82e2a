#include "output/csv_writer.hpp"

#include "output/table_rows.hpp"

namespace ccai::cli {

std::string csv_field(std::string_view value) {
    if (value.find_first_of(",\"\r\n") == std::string_view::npos) return std::string(value);
    std::string out = "\"";
    for (const char ch : value) {
        if (ch == '"') out += '"';
        out += ch;
    }
    return out += '"';
}

std::string csv_record(const std::vector<std::string>& fields) {
    // A record of one empty field would be an empty line, which readers skip as no record at all.
    if (fields.size() == 1 && fields[0].empty()) return "\"\"\r\n";
    std::string line;
    for (std::size_t i = 0; i < fields.size(); ++i) {
        if (i) line += ',';
        line += csv_field(fields[i]);
    }
    return line += "\r\n";
}

void write_csv(std::FILE* out, const nlohmann::json& result, const std::vector<std::string>& fields, const CsvOptions& options) {
    const auto rows = as_rows(result);
    const auto cols = columns_of(rows, fields, ColumnKeys::all);
    std::string text = options.bom ? "\xEF\xBB\xBF" : "";
    if (options.header && !cols.empty()) text += csv_record(cols);
    for (const auto& r : rows) text += csv_record(row_cells(r, cols));
    std::fwrite(text.data(), 1, text.size(), out);
}

}  // namespace ccai::cli
