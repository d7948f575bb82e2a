#include "output.hpp"

#include <poll.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include <fmt/format.h>

#include "ccai/redact.hpp"
#include "exit_codes.hpp"
#include "output/csv_writer.hpp"
#include "output/jq_program.hpp"
#include "output/table_layout.hpp"
#include "output/text_writer.hpp"
#include "output/yaml_emitter.hpp"

namespace ccai::cli {

namespace {

// One value on one line, as it is: callers have redacted it.
void write_line(std::FILE* out, const nlohmann::json& value) {
    fmt::print(out, "{}\n", value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
}

// A copy only when there is something to mask.
template <class Fn>
auto with_redacted(const nlohmann::json& value, Fn&& fn) {
    if (needs_redaction(value)) return fn(redact_json(value));
    return fn(value);
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

OutputOptions output_options(const Context& c, const std::string& config_value) {
    const auto& f = c.flags;
    OutputOptions o;
    o.format = !f.output.empty() ? f.output : !config_value.empty() ? config_value : "json";
    o.fields = split_fields(f.fields);
    o.tty = c.console.out_tty;
    o.no_headers = f.no_headers;
    o.headers = f.headers;
    o.bom = f.bom;
    o.table_width = f.wide ? 0 : c.console.out_columns;
    o.jq = c.jq;
    if (o.jq) o.format = "json";  // an `output` setting gives way to --jq (the flags cannot disagree: see below)
    return o;
}

std::optional<std::string> output_flags_conflict(const GlobalFlags& f) {
    if (f.headers && f.no_headers) return "--headers and --no-headers contradict each other";
    if (f.jq.empty()) return std::nullopt;
    // jq prints its own outputs; a format or a selection besides would be silently ignored or applied in an
    // order nobody could guess. JSON and JSON Lines are what jq reads, so they are accepted.
    if (!f.output.empty() && f.output != "json" && f.output != "jsonl")
        return fmt::format("--jq prints the program's outputs as `jq -r` does: it does not combine with -o {}", f.output);
    if (!f.fields.empty()) return "--jq selects what to print itself: it does not combine with --fields";
    return std::nullopt;
}

nlohmann::json select_fields(const nlohmann::json& value, const std::vector<std::string>& fields) {
    if (fields.empty() || !value.is_object()) return value;
    nlohmann::json out = nlohmann::json::object();
    for (const auto& f : fields)
        if (const auto* v = json_at_path(value, f)) out[f] = *v;
    return out;
}

void print_line(std::FILE* out, const nlohmann::json& value) {
    with_redacted(value, [&](const nlohmann::json& v) { write_line(out, v); });
}

std::optional<std::string> print_jq(std::FILE* out, JqProgram& jq, const nlohmann::json& value) {
    return with_redacted(value, [&](const nlohmann::json& v) {
        return jq.run(v, [out](std::string_view text) {
            const auto line = redact(text) + "\n";
            // A write error (a closed pipe with SIGPIPE ignored, a full disk) stops a program that might
            // never end on its own (`repeat(1)`).
            return std::fwrite(line.data(), 1, line.size(), out) == line.size() && !std::ferror(out);
        });
    });
}

std::optional<std::string> print_result(std::FILE* out, const nlohmann::json& result_in, const EndpointSpec* spec,
                                        const OutputOptions& o) {
    if (o.jq) return print_jq(out, *o.jq, result_in);
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
    // The row formats show the list's items, not the page around them.
    const auto& rows = items ? (o.fields.empty() ? *items : shown) : shown;
    if (o.format == "jsonl") {
        if (rows.is_array())
            for (const auto& r : rows) write_line(out, r);
        else write_line(out, rows);
    } else if (o.format == "csv") {
        write_csv(out, rows, o.fields, CsvOptions{!o.no_headers, o.bom});
    } else if (o.format == "text") {
        write_text(out, rows, o.fields, o.headers);
    } else if (o.format == "table") {
        write_table(out, rows, o.fields, TableOptions{o.table_width, !o.no_headers});
    } else if (o.format == "yaml") {
        fmt::print(out, "{}", to_yaml(shown));
    } else if (o.tty) {
        fmt::print(out, "{}\n", shown.dump(2, ' ', false, nlohmann::json::error_handler_t::replace));
    } else {
        write_line(out, shown);
    }
    return std::nullopt;
}

int show_result(const Context& c, const nlohmann::json& result, const EndpointSpec* spec, const OutputOptions& o) {
    const auto jq_error = print_result(c.console.out, result, spec, o);
    return jq_error ? jq_failed(c, *jq_error) : kOk;
}

int jq_failed(const Context& c, const std::string& message) {
    ApiError e;  // ErrorKind::other: exit 1
    e.message = message;
    return c.fail(e);
}

bool reader_gone(std::FILE* out) {
    // A pipe's write end polls POLLERR once no reader is left; a socket's, POLLHUP. Nothing waits: timeout 0.
    pollfd p{::fileno(out), 0, 0};
    return p.fd >= 0 && ::poll(&p, 1, 0) == 1 && (p.revents & (POLLERR | POLLHUP)) != 0;
}

int output_failed(const Context& c, const std::string& message) {
    const int error = errno;
    if (error == EPIPE || reader_gone(c.console.out)) return kOther;
    ApiError e;  // ErrorKind::other: exit 1
    e.message = fmt::format(fmt::runtime(message), std::strerror(error != 0 ? error : EIO));
    return c.fail(e);
}

}  // namespace ccai::cli
