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

void write_table(std::FILE* out, const nlohmann::json& result, const std::vector<std::string>& fields, const TableOptions& options) {
    const auto rows = as_rows(result);
    const auto cols = columns_of(rows, fields, ColumnKeys::scalars);
    std::string text;
    if (cols.empty()) {  // scalars, or objects holding only nested values: one value per line
        for (const auto& r : rows) {
            const auto cell = escape_text(cell_text(r));
            text += (options.width ? fit_width(cell, options.width) : cell) + "\n";
        }
        std::fwrite(text.data(), 1, text.size(), out);
        return;
    }
    std::vector<std::vector<std::string>> grid;
    if (options.header) {
        grid.emplace_back();
        for (const auto& c : cols) grid.back().push_back(upper_ascii(escape_text(valid_utf8(c))));
    }
    for (const auto& r : rows) {
        grid.emplace_back();
        for (const auto& c : cols) grid.back().push_back(escape_text(cell_at(r, c)));
    }
    std::vector<std::size_t> natural(cols.size(), 0);
    for (const auto& line : grid)
        for (std::size_t i = 0; i < line.size(); ++i) natural[i] = std::max(natural[i], display_width(line[i]));
    const auto widths = fit_columns(natural, kGap, options.width);
    for (const auto& line : grid) {
        std::string row;
        for (std::size_t i = 0; i < line.size(); ++i) {
            const auto shown = fit_width(line[i], widths[i]);
            row += shown;
            if (i + 1 < line.size()) row.append(widths[i] - display_width(shown) + kGap, ' ');
        }
        while (!row.empty() && row.back() == ' ') row.pop_back();
        text += row + "\n";
    }
    std::fwrite(text.data(), 1, text.size(), out);
}

}  // namespace ccai::cli
