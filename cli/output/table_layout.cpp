#include "output/table_layout.hpp"

#include <algorithm>
#include <numeric>

#include "output/table_rows.hpp"
#include "output/text_writer.hpp"
#include "output/utf8_text.hpp"

namespace ccai::cli {

namespace {

constexpr std::size_t kGap = 2;       // spaces between columns
constexpr std::size_t kMinCell = 3;  // two characters and "…": less tells a reader nothing

std::string upper_ascii(std::string s) {
    for (auto& ch : s)
        if (ch >= 'a' && ch <= 'z') ch = static_cast<char>(ch - 'a' + 'A');
    return s;
}

}  // namespace

std::vector<std::size_t> fit_columns(const std::vector<std::size_t>& natural, std::size_t gap, std::size_t limit) {
    if (natural.empty()) return natural;
    const std::size_t gaps = gap * (natural.size() - 1);
    const auto total = std::accumulate(natural.begin(), natural.end(), gaps);
    if (limit == 0 || total <= limit) return natural;
    const std::size_t budget = limit > gaps ? limit - gaps : 0;
    const auto capped_sum = [&](std::size_t cap) {
        std::size_t sum = 0;
        for (const auto w : natural) sum += std::min(w, cap);
        return sum;
    };
    // The largest common cap that fits (the sum grows with the cap: a binary search), not below kMinCell.
    std::size_t lo = kMinCell, hi = *std::max_element(natural.begin(), natural.end());
    if (capped_sum(lo) > budget) hi = lo;
    while (lo < hi) {
        const auto mid = lo + (hi - lo + 1) / 2;
        if (capped_sum(mid) <= budget) lo = mid;
        else hi = mid - 1;
    }
    std::vector<std::size_t> widths;
    for (const auto w : natural) widths.push_back(std::min(w, lo));
    // What the cap leaves over goes one column each to the first of the cut columns (fewer than there are of
    // them: one more on the cap did not fit).
    std::size_t spare = budget > capped_sum(lo) ? budget - capped_sum(lo) : 0;
    for (std::size_t i = 0; i < widths.size() && spare > 0; ++i)
        if (natural[i] > widths[i]) {
            ++widths[i];
            --spare;
        }
    return widths;
}

std::vector<std::string> table_header(const std::vector<std::string>& columns) {
    std::vector<std::string> cells;
    for (const auto& c : columns) cells.push_back(upper_ascii(escape_text(valid_utf8(c))));
    return cells;
}

std::vector<std::string> table_cells(const nlohmann::json& row, const std::vector<std::string>& columns) {
    auto cells = row_cells(row, columns);
    for (auto& cell : cells) cell = escape_text(cell);
    return cells;
}

void widen_to_fit(std::vector<std::size_t>& widths, const std::vector<std::string>& cells) {
    if (widths.size() < cells.size()) widths.resize(cells.size(), 0);
    for (std::size_t i = 0; i < cells.size(); ++i) widths[i] = std::max(widths[i], display_width(cells[i]));
}

std::string table_line(const std::vector<std::string>& cells, const std::vector<std::size_t>& widths, bool cut) {
    std::string row;
    for (std::size_t i = 0; i < cells.size(); ++i) {
        const auto width = i < widths.size() ? widths[i] : 0;
        const auto shown = cut ? fit_width(cells[i], width) : cells[i];
        row += shown;
        const auto used = display_width(shown);
        if (i + 1 < cells.size()) row.append((width > used ? width - used : 0) + kGap, ' ');
    }
    while (!row.empty() && row.back() == ' ') row.pop_back();
    return row + "\n";
}

std::string table_value_line(const nlohmann::json& row, std::size_t width) {
    const auto cell = escape_text(cell_text(row));
    return (width ? fit_width(cell, width) : cell) + "\n";
}

std::vector<std::size_t> fit_table(const std::vector<std::size_t>& natural, std::size_t limit) {
    return fit_columns(natural, kGap, limit);
}

void write_table(std::FILE* out, const nlohmann::json& result, const std::vector<std::string>& fields, const TableOptions& options) {
    const auto rows = as_rows(result);
    const auto cols = columns_of(rows, fields, ColumnKeys::scalars);
    std::string text;
    if (cols.empty()) {  // scalars, or objects holding only nested values: one value per line
        for (const auto& r : rows) text += table_value_line(r, options.width);
        std::fwrite(text.data(), 1, text.size(), out);
        return;
    }
    std::vector<std::vector<std::string>> grid;
    if (options.header) grid.push_back(table_header(cols));
    for (const auto& r : rows) grid.push_back(table_cells(r, cols));
    std::vector<std::size_t> natural(cols.size(), 0);
    for (const auto& line : grid) widen_to_fit(natural, line);
    // Every cell fits its column unless the terminal made it narrower: cutting is a no-op otherwise.
    const auto widths = fit_table(natural, options.width);
    for (const auto& line : grid) text += table_line(line, widths, true);
    std::fwrite(text.data(), 1, text.size(), out);
}

}  // namespace ccai::cli
