#pragma once
/// @file batch.hpp
/// @brief Thousands of calls from a file: parse (JSON Lines or CSV), validate every line before anything is
/// sent, run them through one shared Client with N threads, and journal each line so a killed run resumes
/// without losing a line or repeating a create.
///
/// Memory does not grow with the input: a Source is read one line at a time, once to validate every line
/// and once more to send, and each final record goes to the results file as it is made. What stays per
/// line is 4 bytes of journal bookkeeping when resuming.
///
/// Typical use:
/// @code
///   auto source = ccai::batch::Source::jsonl_file("in.jsonl");
///   ccai::batch::Options o; o.results_path = "out.jsonl"; o.resume = true;
///   auto summary = ccai::batch::Runner(*client, o).run(source);  // validates every line first
/// @endcode
/// Small inputs can also be held whole: read_jsonl / read_csv give an Input, validate(Input&) checks it.

#include <cstdint>
#include <functional>
#include <istream>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "ccai/call_args.hpp"
#include "ccai/client.hpp"
#include "ccai/config.hpp"
#include "ccai/endpoint.hpp"
#include "ccai/error.hpp"

namespace ccai::batch {

/// @brief The final state of one input line.
enum class Outcome {
    ok,        ///< 2xx
    failed,    ///< the service answered with an error, or the call provably never reached it
    in_doubt,  ///< sent (or maybe sent) but the outcome is unknown: not re-sent unless asked or idempotent
    invalid,   ///< rejected before sending (bad JSON, unknown op, missing required values)
    skipped,   ///< not sent on purpose: an earlier batch sent it (Options::guard), or it exists (skip_existing)
};

/// @brief "ok", "failed", "in-doubt", "invalid", "skipped".
std::string_view to_string(Outcome outcome);
/// @brief The inverse of to_string; nullopt for anything else.
std::optional<Outcome> outcome_from_string(std::string_view text);

/// @brief One input line, parsed.
struct Item {
    long long line = 0;  ///< 1-based line number in the input (CSV: the record's first physical line)
    std::string id;      ///< the user's key ("" when none)
    std::string op;      ///< operation id, e.g. "agents.create"
    const EndpointSpec* spec = nullptr;
    CallArgs args;
    std::optional<ApiError> problem;  ///< set when the line cannot be sent
};

/// @brief A whole input: its lines and a fingerprint that ties a journal to this exact input.
struct Input {
    std::vector<Item> items;
    std::uint64_t fingerprint = 0;  ///< FNV-1a over the raw bytes
};

/// @brief Parses JSON Lines: {"op", "params", "body", "file", "id"} per line. Blank lines are skipped.
/// Line-level problems (bad JSON, unknown op) are recorded on the Item; only a read error fails.
Result<Input> read_jsonl(std::istream& in);

/// @brief How CSV columns become call values.
struct CsvOptions {
    std::string op;  ///< every row calls this operation
    /// column -> field: a catalog path/query parameter name, or a body path ("a.b", "queues[0].id", "tags[]";
    /// see body_path.hpp).
    /// An empty field ignores the column. Unmapped columns named like a parameter or top-level body field
    /// map by name; any other unmapped column is an error (before anything is sent).
    std::vector<std::pair<std::string, std::string>> map;
    std::string id_column;  ///< column holding the user's key ("" = none)
};

/// @brief What one pass over an input saw.
struct Scan {
    long long lines = 0;            ///< items (non-blank JSON lines, CSV records)
    long long last_line = 0;        ///< the highest line number of an item
    std::uint64_t fingerprint = 0;  ///< FNV-1a over the raw bytes (as Input::fingerprint)
    long long invalid = 0;          ///< items with a problem (validate(Source&) only)
};

/// @brief Visits one parsed line; return false to stop the pass.
using LineVisitor = std::function<bool(Item&)>;

/// @brief Changes a parsed line before it is validated (the CLI's --set / --set-json); an error makes the
/// line invalid. Runs on every pass, on lines that parsed.
using ItemTransform = std::function<Result<Unit>(Item&)>;

/// @brief A re-readable input, parsed one line at a time on every pass: memory does not grow with it.
class Source {
public:
    /// Opens the input from its start; called once per pass, it must give the same bytes every time.
    using Opener = std::function<Result<std::unique_ptr<std::istream>>()>;
    static Source jsonl(Opener open);
    static Source csv(Opener open, CsvOptions options);
    static Source jsonl_file(const std::string& path);
    static Source csv_file(const std::string& path, CsvOptions options);

    /// @brief One pass in input order. Each Item carries its parse problem, if any (not yet validated).
    /// Fails when the input cannot be opened or read, or on a CSV header mistake (then nothing is visited).
    Result<Scan> each(const LineVisitor& visit) const;

    /// @brief The same input, each line that parsed passed through `transform` first.
    [[nodiscard]] Source with_transform(ItemTransform transform) const;

private:
    Opener open_;
    std::optional<CsvOptions> csv_;
    ItemTransform transform_;
};

/// @brief Parses RFC 4180 CSV (header row, quoted fields, embedded newlines). Header-level mistakes
/// (unknown op, unknown/unmappable column) fail the whole input; row-level ones are recorded per Item.
Result<Input> read_csv(std::istream& in, const CsvOptions& options);

/// @brief Sets `value` at a body path ("a.b", "queues[0].id", "tags[]", "tags[-1]"; the syntax of
/// body_path.hpp), creating objects and arrays on the way.
Result<Unit> set_body_path(nlohmann::json& body, std::string_view path, nlohmann::json value);

/// @brief A check of a line besides build_request's, run on lines that pass it; an error makes the line
/// invalid. The CLI's: --strict refuses body fields the catalog does not describe.
using LineCheck = std::function<Result<Unit>(const Item&)>;

/// @brief Validates one line that has no problem yet, as validate(Input&) does each.
void validate(Item& item, const Config& config, const LineCheck& check = {});

/// @brief Validates every line that has no problem yet with build_request (required params, body fields,
/// types, enums, readable upload file), then `check` when given. No I/O besides checking upload files.
void validate(Input& input, const Config& config, const LineCheck& check = {});

/// @brief One full pass that validates every line (as validate(Input&)) and calls `on_invalid` for each line
/// with a problem, in input order. Scan::invalid counts them.
Result<Scan> validate(const Source& source, const Config& config, const std::function<void(const Item&)>& on_invalid = {},
                      const LineCheck& check = {});

/// @brief Lines with a problem.
std::vector<const Item*> invalid_items(const Input& input);

/// @brief The final record of one line, as written to the results file.
struct Record {
    long long line = 0;
    std::string id;
    std::string op;
    Outcome outcome = Outcome::ok;
    int status = 0;                  ///< HTTP status (0 when none was received)
    nlohmann::json response;         ///< on ok
    nlohmann::json error;            ///< otherwise (the error as JSON)
    int attempts = 0;
    long long pacer_wait_ms = 0;
    nlohmann::json skipped;          ///< on skipped: {"reason": "already_sent"|"exists", "message", ...}

    [[nodiscard]] nlohmann::json to_json() const;
    /// The record of `to_json`; none when `j` is not one (a field missing or of another type), never a throw.
    static std::optional<Record> from_json(const nlohmann::json& j);
};

/// @brief Counts, for progress and the summary.
struct Progress {
    long long total = 0;      ///< lines in the input
    long long done = 0;       ///< lines with a final record (this run and earlier runs)
    long long ok = 0;
    long long failed = 0;
    long long in_doubt = 0;
    long long invalid = 0;
    long long skipped = 0;    ///< not sent on purpose (already sent by an earlier batch, or existing)
    long long retries = 0;    ///< extra attempts this run (rate-limit rejections and transient errors)
    long long sent_this_run = 0;
    Duration pacer_wait{0};   ///< summed over this run's calls
};

/// @brief A file's identity: the same for every name, hard link, symlink or /proc path that reaches it.
struct FileId {
    std::uint64_t device = 0;
    std::uint64_t inode = 0;
    bool operator==(const FileId&) const = default;
    /// The file `path` names, symlinks followed; nullopt when it cannot be stat'ed.
    static std::optional<FileId> of_path(const std::string& path);
    /// The file open at `fd`; nullopt when fstat fails.
    static std::optional<FileId> of_fd(int fd);
};

/// @brief The record of lines sent, per account, that keeps a later batch from sending them again: see
/// docs/usage.md#batch. Lines of read-only and idempotent (GET/PUT/DELETE) operations are not guarded.
struct DuplicateGuard {
    std::string dir;          ///< the state directory (the file pacer's: pacer_dir, else $XDG_STATE_HOME/ccai/pacer)
    Getenv getenv;            ///< reads XDG_STATE_HOME and HOME when `dir` is empty; default ::getenv
    bool dir_shared = false;  ///< accept a group-writable directory (pacer_dir_shared)
    std::string scope;        ///< the account (pacer_scope(config)); the ledger's file is named after its hash
    bool rerun = false;       ///< send lines sent before anyway (they are recorded again)
    /// The wall clock (seconds since the epoch) stamped on each entry; default: the system's.
    std::function<long long()> now;
};

/// @brief The list operation --skip-existing uses for a create and a body field (agents.create, emailId ->
/// agents.list): same group, action "list", read-only, paged, taking no parameter the profile does not
/// fill. An invalid_input error says why there is none.
Result<const EndpointSpec*> existing_lookup(const EndpointSpec& create, std::string_view field);

/// @brief How a Runner runs.
struct Options {
    int concurrency = 4;  ///< requests in flight; all share the Client's pacer
    /// Results file (JSON Lines, one final record per line, in the order lines finish). Its journal is
    /// `results_path + ".journal"`. Empty: no journal, no resume; records only reach on_record.
    /// A new run creates both (O_EXCL: an existing file is never overwritten). A resumed run checks them
    /// first. Either is refused when it is one of `inputs`, a symlink, a hard link, not a regular file, or
    /// another user's. The results file is rewritten only through a new file renamed over it.
    std::string results_path;
    /// Files the run must never write: the input (the CLI adds it, and what stdin is), by identity.
    std::vector<FileId> inputs;
    bool resume = false;          ///< continue the journal instead of refusing to overwrite it
    bool retry_in_doubt = false;  ///< re-send lines whose earlier outcome is unknown (may duplicate a create)
    bool skip_invalid = false;    ///< record invalid lines as `invalid` and run the rest
    LineCheck check_line;         ///< run on every line as validate() does, on both passes
    /// Set: lines of non-idempotent operations already sent (by any batch of this account) are skipped, and
    /// each line sent with success is recorded. Refused before anything is sent when the record cannot be
    /// used (see DuplicateGuard).
    std::optional<DuplicateGuard> guard;
    /// Non-empty: before sending, each line whose body has this field is looked up through the operation's
    /// list (existing_lookup; listed once per operation, all pages) and skipped when an item has the same value.
    std::string skip_existing;
    std::function<bool()> stop;   ///< true: start no new lines (in-flight ones finish)
    std::function<void(const Record&)> on_record;      ///< each final record, as it is made
    std::function<void(const Progress&)> on_progress;  ///< after each line (from worker threads, serialized)
    std::function<nlohmann::json(const ApiError&)> error_json;  ///< default: ccai::error_json
};

/// @brief The run's end state.
struct Summary {
    Progress counts;
    long long not_started = 0;  ///< lines left for a later --resume (interrupted runs)
    bool interrupted = false;
    [[nodiscard]] bool all_ok() const {
        return !interrupted && not_started == 0 && counts.ok + counts.skipped == counts.total;
    }
    [[nodiscard]] nlohmann::json to_json() const;
};

/// @brief Checks the results file and journal `options` name as far as a look can tell, creating and opening
/// nothing: a wrong path (empty, a directory, the input, a link, a device, an existing file without a
/// journal, a journal without `resume`) fails at once instead of after the input was read. Runner::run
/// checks again, and once more on what it opens. Unit when there is no results file.
Result<Unit> check_output_files(const Options& options);

/// @brief Runs a validated Input. Thread-safe use of one Client by `concurrency` worker threads.
class Runner {
public:
    Runner(Client& client, Options options);
    /// @brief Validates every line first, then reads the source a second time and sends. Fails before
    /// sending anything when lines are invalid (and !skip_invalid), when a journal exists without `resume`,
    /// when the journal belongs to another input, or when the results file or journal may not be written
    /// (see Options::results_path).
    Result<Summary> run(const Source& source);
    /// @brief The same over an Input held in memory.
    Result<Summary> run(const Input& input);

private:
    Client& client_;
    Options options_;
};

}  // namespace ccai::batch
