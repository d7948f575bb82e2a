#pragma once
// Rendering results: json (pretty on a terminal, compact when piped), jsonl (one list item per line), csv
// (RFC 4180), yaml, table (aligned columns cut to the terminal, for people), text (tab-separated values
// for `read`/`cut`), optionally narrowed by --fields; or the outputs of a --jq program. Each format lives in
// output/.
#include <cstddef>
#include <cstdio>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "ccai/endpoint.hpp"
#include "ccai/pagination.hpp"
#include "context.hpp"

namespace ccai::cli {

class JqProgram;

struct OutputOptions {
    std::string format = "json";  ///< json, jsonl, csv, yaml, table, text
    std::vector<std::string> fields;
    bool tty = false;
    bool no_headers = false;     ///< csv and table: no header row
    bool headers = false;        ///< text: a header line
    bool bom = false;            ///< csv: a UTF-8 byte-order mark first
    std::size_t table_width = 0; ///< table: the terminal's width; 0 when not a terminal or --wide
    std::shared_ptr<JqProgram> jq;  ///< --jq: its outputs instead of the format
};

/// Parses "a,b.c" into field paths.
std::vector<std::string> split_fields(const std::string& csv);

/// Resolves the options from the global flags: the format is the -o flag > `config_value` (config `output`,
/// or a command's own default) > json.
OutputOptions output_options(const Context& context, const std::string& config_value);

/// The output flags that contradict each other, as a usage error's message; nullopt when they agree.
std::optional<std::string> output_flags_conflict(const GlobalFlags& flags);

/// The list items of a response: ccai::list_items, moved to the SDK (pagination.hpp) for --all and embedders.
using ccai::list_items;

/// Keeps only the named (dotted) fields of an object.
nlohmann::json select_fields(const nlohmann::json& value, const std::vector<std::string>& fields);

/// Writes a result to `out` in the chosen format, redacted (ccai::redact_json): no secret, no token. Returns
/// the --jq program's error when it fails at run time (its outputs before the error are printed).
std::optional<std::string> print_result(std::FILE* out, const nlohmann::json& result, const EndpointSpec* spec,
                                        const OutputOptions& o);

/// print_result on the console's stdout; a --jq program's run-time error is reported like any failure, with
/// exit 1 (jq itself exits 5, which here means "not found"). Returns the exit code.
int show_result(const Context& context, const nlohmann::json& result, const EndpointSpec* spec, const OutputOptions& o);

/// The failure of a --jq program at run time: exit 1, the message on stderr like every error's.
int jq_failed(const Context& context, const std::string& message);

/// Whether `out` is a pipe (or socket) whose reader has gone (`| head`): writes to it fail with EPIPE, as
/// main ignores SIGPIPE. Asked of the descriptor itself, so it holds whatever errno says by then.
bool reader_gone(std::FILE* out);

/// stdout could not be written: exit 1. A closed pipe is quiet, as `head` users expect of every CLI that
/// dies of SIGPIPE; any other cause (a full disk) is reported with `message`, its "{}" replaced by
/// strerror(errno).
int output_failed(const Context& context, const std::string& message);

/// Runs `jq` on `value` (redacted) and prints each output on its own line, as `jq -r` does, redacted too
/// (`env` would otherwise print the secrets of the environment). jq's error when it fails at run time.
std::optional<std::string> print_jq(std::FILE* out, JqProgram& jq, const nlohmann::json& value);

/// One JSON value on one line (jsonl streaming: --all).
void print_line(std::FILE* out, const nlohmann::json& value);

}  // namespace ccai::cli
