#include "output/item_stream.hpp"

#include <fmt/format.h>

#include "ccai/redact.hpp"
#include "output/csv_writer.hpp"
#include "output/table_layout.hpp"
#include "output/table_rows.hpp"
#include "output/text_writer.hpp"
#include "output/utf8_text.hpp"
#include "output/yaml_emitter.hpp"

namespace ccai::cli {

namespace {

bool is_row_format(const std::string& f) { return f == "csv" || f == "text" || f == "table"; }

// Every line of `text` moved right by `by` spaces (a pretty item inside the pretty array).
std::string indented(const std::string& text, std::size_t by) {
    std::string out(by, ' ');
    for (const char ch : text) {
        out += ch;
        if (ch == '\n') out.append(by, ' ');
    }
    return out;
}

}  // namespace

ItemStream::ItemStream(std::FILE* out, std::FILE* err, const OutputOptions& options) : out_(out), err_(err), o_(options) {}

void ItemStream::write(const std::string& text) { std::fwrite(text.data(), 1, text.size(), out_); }

void ItemStream::start(const nlohmann::json& first_items_in) {
    if (o_.jq || !is_row_format(o_.format)) return;
    const auto first_items = needs_redaction(first_items_in) ? redact_json(first_items_in) : first_items_in;
    columns_ = columns_of(first_items, o_.fields, o_.format == "table" ? ColumnKeys::scalars : ColumnKeys::all);
    // --fields chose the columns: what lies outside them is left out on purpose.
    warn_ = o_.fields.empty() && !columns_.empty();
    known_.insert(columns_.begin(), columns_.end());
    if (o_.format == "csv") {
        std::string text = o_.bom ? "\xEF\xBB\xBF" : "";
        if (!o_.no_headers && !columns_.empty()) text += csv_record(columns_);
        write(text);
    } else if (o_.format == "text") {
        if (o_.headers && !columns_.empty()) write(text_line(columns_));
    } else if (!columns_.empty()) {  // table: widths from the header and the first page, cut to the terminal
        std::vector<std::size_t> natural(columns_.size(), 0);
        const auto header = table_header(columns_);
        if (!o_.no_headers) widen_to_fit(natural, header);
        for (const auto& it : first_items) {
            auto cells = cells_of(it, false);
            for (auto& cell : cells) cell = escape_text(cell);
            widen_to_fit(natural, cells);
        }
        widths_ = fit_table(natural, o_.table_width);
        if (!o_.no_headers) write(table_line(header, widths_, true));
    }
}

void ItemStream::warn_unseen_fields(const nlohmann::json& item) {
    // A server that invents a field per item would otherwise fill stderr and this set: after kMostNamed
    // fields, one last line says more were left out, and no more are tracked.
    constexpr std::size_t kMostNamed = 20;
    if (!warn_ || !item.is_object()) return;
    for (const auto& [k, v] : item.items()) {
        if (o_.format == "table" && v.is_structured()) continue;  // a table leaves those out on every page
        if (known_.count(k)) continue;
        if (warned_ == kMostNamed) {
            std::fprintf(err_, "warning: --all: more fields are not among the columns; they are not named one by one "
                               "(name the columns with --fields, or use -o jsonl for every field)\n");
            warn_ = false;
            return;
        }
        known_.insert(k);
        ++warned_;
        std::fprintf(err_,
                     "warning: --all: item %lld holds the field '%s', which is not among the columns fixed from the first "
                     "page: it is not shown (name the columns with --fields, or use -o jsonl for every field)\n",
                     written_ + 1, escape_text(valid_utf8(k)).c_str());
    }
}

std::vector<std::string> ItemStream::cells_of(const nlohmann::json& item, bool warn) {
    const auto kind = item.is_object() ? "an object" : item.is_array() ? "an array" : item.is_string() ? "a string"
                    : item.is_boolean() ? "a boolean" : item.is_null() ? "null" : "a number";
    const auto tell = [&](const std::string& what) {
        if (warn && kinds_warned_.insert(kind).second)
            std::fprintf(err_, "warning: --all: item %lld is %s, %s (use -o jsonl to see every item as it is)\n",
                         written_ + 1, kind, what.c_str());
    };
    if (columns_.empty()) {
        // A first page of scalars left no columns: an object is one JSON cell, never split silently.
        if (item.is_object()) tell("but the first page held no object to take columns from: it is shown as JSON in one cell");
        return {cell_text(item)};
    }
    if (item.is_object()) return row_cells(item, columns_);
    // No fields to put under the columns: the value itself goes in the first one, rather than an empty row.
    std::vector<std::string> cells(columns_.size());
    cells[0] = item.is_null() ? "null" : cell_text(item);
    tell(fmt::format("not an object: its value is shown in the first column ({})", escape_text(valid_utf8(columns_[0]))));
    return cells;
}

std::optional<std::string> ItemStream::item(const nlohmann::json& item_in) {
    if (o_.jq) {
        ++written_;
        return print_jq(out_, *o_.jq, item_in);
    }
    // Redacted before anything is selected or cut, as print_result does.
    const auto item = needs_redaction(item_in) ? redact_json(item_in) : item_in;
    const auto& f = o_.format;
    if (f == "csv") {
        write(csv_record(cells_of(item, true)));
    } else if (f == "text") {
        write(text_line(cells_of(item, true)));
    } else if (f == "table") {
        // Off a terminal (or with --wide) nothing is cut: a wider cell shifts the rest of its line.
        auto cells = cells_of(item, true);
        if (columns_.empty()) {
            write(table_value_line(item, o_.table_width));
        } else {
            for (auto& cell : cells) cell = escape_text(cell);
            write(table_line(cells, widths_, o_.table_width != 0));
        }
    } else {
        const auto shown = select_fields(item, o_.fields);
        const auto compact = [&] { return shown.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace); };
        if (f == "yaml") {
            write(to_yaml(nlohmann::json::array({shown})));  // one entry of the sequence
        } else if (f == "json") {
            // One array, written as it comes: the same text `-o json` prints for the whole list.
            std::string text = written_ ? "," : "[";
            if (o_.tty) text += "\n" + indented(shown.dump(2, ' ', false, nlohmann::json::error_handler_t::replace), 2);
            else text += compact();
            write(text);
        } else {
            write(compact() + "\n");
        }
    }
    warn_unseen_fields(item);
    ++written_;
    return std::nullopt;
}

void ItemStream::finish() {
    if (!o_.jq) {
        if (o_.format == "json") write(written_ == 0 ? "[]\n" : o_.tty ? "\n]\n" : "]\n");
        else if (o_.format == "yaml" && written_ == 0) write(to_yaml(nlohmann::json::array()));
    }
    std::fflush(out_);
}

}  // namespace ccai::cli
