#pragma once
// --all in every format, one item at a time: nothing waits for the last page, so memory holds one page
// however many there are. The row formats (csv, text, table) fix their columns from the first page (or
// --fields); a table also fixes its column widths there. A later item's field outside the columns is named
// in one warning per field: it is not shown, and the user is told, never silently. An item that is not an
// object (a number, a string, null, an array) has its value in the first column, and an object after a first
// page of such items is one JSON cell: the first item of each kind is warned about.
#include <cstddef>
#include <cstdio>
#include <string>
#include <unordered_set>
#include <vector>

#include <nlohmann/json.hpp>

#include "output.hpp"

namespace ccai::cli {

class ItemStream {
public:
    /// Writes to `out` in `options.format` (json: one array; jsonl; csv; text; table; yaml: one sequence),
    /// or --jq's outputs; warnings go to `err`.
    ItemStream(std::FILE* out, std::FILE* err, const OutputOptions& options);

    /// The first page's items (those that will be printed): columns, widths, header. Call once, before item().
    void start(const nlohmann::json& first_items);
    /// Writes one item. --jq's run-time error when it fails (nothing more should be written).
    std::optional<std::string> item(const nlohmann::json& item);
    /// Ends the output (json's closing bracket, an empty yaml sequence) and flushes.
    void finish();
    /// The output could not be written (a closed pipe with SIGPIPE ignored, a full disk): fetching more
    /// pages would be for nothing.
    bool failed() const { return std::ferror(out_) != 0; }

private:
    void write(const std::string& text);
    void warn_unseen_fields(const nlohmann::json& item);
    /// The row cells of `item` under the columns (not escaped), warning about an item that does not fit them.
    std::vector<std::string> cells_of(const nlohmann::json& item, bool warn);

    std::FILE* out_;
    std::FILE* err_;
    OutputOptions o_;
    std::vector<std::string> columns_;
    std::unordered_set<std::string> known_;  ///< columns_ and the fields already warned about
    std::size_t warned_ = 0;                 ///< fields named so far (bounded: a server may invent one per item)
    bool warn_ = false;                      ///< columns came from the first page, not --fields
    std::vector<std::size_t> widths_;        ///< table
    long long written_ = 0;
    std::unordered_set<std::string> kinds_warned_;  ///< the kinds of items that did not fit the columns
};

}  // namespace ccai::cli
