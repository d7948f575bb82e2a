#pragma once
// Rendering results: json (pretty on a terminal, compact when piped), jsonl (one list item per line),
// table (aligned columns for people), text (tab-separated values for `read`/`cut`), optionally narrowed
// by --fields.
#include <cstdio>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "ccai/endpoint.hpp"
#include "ccai/pagination.hpp"

namespace ccai::cli {

struct OutputOptions {
    std::string format = "json";  ///< json, jsonl, table, text
    std::vector<std::string> fields;
    bool tty = false;
};

/// Parses "a,b.c" into field paths.
std::vector<std::string> split_fields(const std::string& csv);

/// Resolves the effective format: explicit flag > config `output` > json.
OutputOptions output_options(const std::string& flag, const std::string& config_value, const std::string& fields, bool tty);

/// The list items of a response: ccai::list_items, moved to the SDK (pagination.hpp) for --all and embedders.
using ccai::list_items;

/// Keeps only the named (dotted) fields of an object.
nlohmann::json select_fields(const nlohmann::json& value, const std::vector<std::string>& fields);

/// Writes a result to `out` in the chosen format, redacted (ccai::redact_json): no secret, no token.
void print_result(std::FILE* out, const nlohmann::json& result, const EndpointSpec* spec, const OutputOptions& o);

/// One JSON value on one line (jsonl streaming: --all).
void print_line(std::FILE* out, const nlohmann::json& value);

}  // namespace ccai::cli
