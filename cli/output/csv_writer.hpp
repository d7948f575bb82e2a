#pragma once
// `-o csv`: RFC 4180, for spreadsheets and CSV tools.
#include <cstdio>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

namespace ccai::cli {

struct CsvOptions {
    bool header = true;  ///< --no-headers turns it off
    bool bom = false;    ///< --bom: a UTF-8 byte-order mark first, so Excel reads the file as UTF-8
};

/// One field: as it is, or in double quotes with its quotes doubled when it holds a comma, a quote, CR or LF.
std::string csv_field(std::string_view value);

/// One record of fields, ended by CRLF as RFC 4180 says.
std::string csv_record(const std::vector<std::string>& fields);

/// The rows of `result` (table_rows.hpp) under `columns` (columns_of), header first. Rows that are not
/// objects (a list of strings) are one field each, without a header.
void write_csv(std::FILE* out, const nlohmann::json& result, const std::vector<std::string>& fields, const CsvOptions& options);

}  // namespace ccai::cli
