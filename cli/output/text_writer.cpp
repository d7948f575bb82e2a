#include "output/text_writer.hpp"

#include <fmt/format.h>

#include "output/table_rows.hpp"

namespace ccai::cli {

std::string escape_text(std::string_view value) {
    std::string out;
    out.reserve(value.size());
    for (const char ch : value) {
        switch (ch) {
        case '\t': out += "\\t"; break;
        case '\n': out += "\\n"; break;
        case '\r': out += "\\r"; break;
        case '\\': out += "\\\\"; break;
        case '\0': out += "\\0"; break;
        default:
            // Other control bytes (ESC above all) would act on the terminal instead of being shown.
            if (static_cast<unsigned char>(ch) < 0x20 || ch == 0x7f) {
                out += fmt::format("\\x{:02x}", static_cast<unsigned char>(ch));
            } else {
                out += ch;
            }
        }
    }
    return out;
}

std::string text_line(const std::vector<std::string>& cells) {
    std::string line;
    for (std::size_t i = 0; i < cells.size(); ++i) (line += i ? "\t" : "") += escape_text(cells[i]);
    return line + "\n";
}

void write_text(std::FILE* out, const nlohmann::json& result, const std::vector<std::string>& fields, bool header) {
    const auto rows = as_rows(result);
    const auto cols = columns_of(rows, fields, ColumnKeys::all);
    std::string text;
    if (header && !cols.empty()) text += text_line(cols);
    for (const auto& r : rows) text += text_line(row_cells(r, cols));
    std::fwrite(text.data(), 1, text.size(), out);
}

}  // namespace ccai::cli
