#include "output.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "ccai/redact.hpp"

namespace ccai::cli {

namespace {

std::string cell(const nlohmann::json& v) {
    if (v.is_string()) return v.get<std::string>();
    if (v.is_null()) return "";
    return v.dump();
}

void print_table(std::FILE* out, const nlohmann::json& rows_in, const std::vector<std::string>& fields) {
    const nlohmann::json rows = rows_in.is_array() ? rows_in : nlohmann::json::array({rows_in});
    std::vector<std::string> cols = fields;
    if (cols.empty())
        for (const auto& r : rows)
            if (r.is_object())
                for (const auto& [k, v] : r.items())
                    if (!v.is_structured() && std::find(cols.begin(), cols.end(), k) == cols.end()) cols.push_back(k);
    if (cols.empty()) {  // scalars or nested-only objects: one value per line
        for (const auto& r : rows) fmt::print(out, "{}\n", cell(r));
        return;
    }
    std::vector<std::vector<std::string>> grid{cols};
    for (const auto& r : rows) {
        std::vector<std::string> line;
        for (const auto& c : cols) {
            const auto* v = json_at_path(r, c);
            line.push_back(v ? cell(*v) : "");
        }
        grid.push_back(std::move(line));
    }
    std::vector<size_t> width(cols.size(), 0);
    for (const auto& line : grid)
        for (size_t i = 0; i < line.size(); ++i) width[i] = std::max(width[i], std::min<size_t>(line[i].size(), 60));
    for (size_t r = 0; r < grid.size(); ++r) {
        std::string text;
        for (size_t i = 0; i < cols.size(); ++i) {
            auto v = grid[r][i].size() > 60 ? grid[r][i].substr(0, 59) + "…" : grid[r][i];
            text += i + 1 == cols.size() ? v : fmt::format("{:<{}}  ", v, width[i]);
        }
        while (!text.empty() && text.back() == ' ') text.pop_back();
        fmt::print(out, "{}\n", r == 0 ? [&] { std::string u = text; std::transform(u.begin(), u.end(), u.begin(), ::toupper); return u; }() : text);
    }
}

// Like `aws --output text`: one line per row, values tab-separated, no header, strings unquoted.
void print_text(std::FILE* out, const nlohmann::json& rows_in, const std::vector<std::string>& fields) {
    const nlohmann::json rows = rows_in.is_array() ? rows_in : nlohmann::json::array({rows_in});
    for (const auto& r : rows) {
        std::string line;
        if (!r.is_object()) line = cell(r);
        else if (fields.empty()) {
            for (const auto& [k, v] : r.items()) line += (line.empty() ? "" : "\t") + cell(v);
        } else {
            for (size_t i = 0; i < fields.size(); ++i) {
                const auto* v = json_at_path(r, fields[i]);
                line += (i ? "\t" : "") + (v ? cell(*v) : std::string());
            }
        }
        fmt::print(out, "{}\n", line);
    }
}

// One value on one line, as it is: callers have redacted it.
void write_line(std::FILE* out, const nlohmann::json& value) {
    fmt::print(out, "{}\n", value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
}

}  // namespace

std::vector<std::string> split_fields(const std::string& csv) {
    std::vector<std::string> out;
    size_t start = 0;
    while (start <= csv.size()) {
        const auto end = std::min(csv.find(',', start), csv.size());
        if (end > start) out.push_back(csv.substr(start, end - start));
        start = end + 1;
    }
    return out;
}

OutputOptions output_options(const std::string& flag, const std::string& config_value, const std::string& fields, bool tty) {
    OutputOptions o;
    o.format = !flag.empty() ? flag : !config_value.empty() ? config_value : "json";
    o.fields = split_fields(fields);
    o.tty = tty;
    return o;
}

nlohmann::json select_fields(const nlohmann::json& value, const std::vector<std::string>& fields) {
    if (fields.empty() || !value.is_object()) return value;
    nlohmann::json out = nlohmann::json::object();
    for (const auto& f : fields)
        if (const auto* v = json_at_path(value, f)) out[f] = *v;
    return out;
}

void print_line(std::FILE* out, const nlohmann::json& value) {
    if (needs_redaction(value)) write_line(out, redact_json(value));
    else write_line(out, value);
}

void print_result(std::FILE* out, const nlohmann::json& result_in, const EndpointSpec* spec, const OutputOptions& o) {
    // Redacted before anything is selected or cut (a table cuts long cells): a secret or a token the server
    // echoes, or one the user put in a request (--dry-run), is never printed, not even half of it. Copied
    // only when there is something to mask.
    nlohmann::json redacted;
    const bool masked = needs_redaction(result_in);
    if (masked) redacted = redact_json(result_in);
    const auto& result = masked ? redacted : result_in;
    const auto* items = list_items(spec, result);
    // --fields narrows list items when there is a list, else the object itself.
    nlohmann::json shown;
    if (items && !o.fields.empty()) {
        shown = nlohmann::json::array();
        for (const auto& it : *items) shown.push_back(select_fields(it, o.fields));
    } else {
        shown = select_fields(result, o.fields);
    }
    if (o.format == "jsonl") {
        const auto& rows = items ? (o.fields.empty() ? *items : shown) : shown;
        if (rows.is_array())
            for (const auto& r : rows) write_line(out, r);
        else write_line(out, rows);
    } else if (o.format == "text") {
        print_text(out, items ? (o.fields.empty() ? *items : shown) : shown, o.fields);
    } else if (o.format == "table") {
        print_table(out, items ? (o.fields.empty() ? *items : shown) : shown, o.fields);
    } else if (o.tty) {
        fmt::print(out, "{}\n", shown.dump(2, ' ', false, nlohmann::json::error_handler_t::replace));
    } else {
        write_line(out, shown);
    }
}

}  // namespace ccai::cli
