// `ccai-cli batch`: a thin layer over ccai::batch::Runner: flags, input, reporting, signals, exit code.
#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <csignal>
#include <mutex>
#include <thread>
#include <cstdlib>
#include <fstream>
#include <iostream>

#include <fmt/format.h>

#include "app.hpp"
#include "batch/batch_constants.hpp"
#include "batch/batch_invalid_report.hpp"
#include "batch/batch_progress.hpp"
#include "batch/batch_spool.hpp"
#include "ccai/batch.hpp"
#include "ccai/body_fields.hpp"
#include "ccai/redact.hpp"
#include "exit_codes.hpp"
#include "commands/operation_runner.hpp"
#include "missing_settings.hpp"
#include "output.hpp"
#include "unknown_fields.hpp"

namespace ccai::cli {

namespace {

struct BatchFlags {
    std::string input;
    std::string format;  // jsonl or csv ("" = csv when --op is given or the file ends in .csv)
    std::string op;
    std::vector<std::string> maps;
    std::string id_column;
    std::string results;
    bool results_given = false;  // --results '' is a mistake, not "no results file"
    int concurrency = 4;
    bool resume = false;
    bool retry_in_doubt = false;
    bool skip_invalid = false;
    bool strict = false;
    bool allow_unknown = false;
    std::vector<BodyAssignment> sets;  // --set and --set-json, in command-line order
    long long errors_limit = 0;        // 0: no limit
    bool rerun = false;
    std::string skip_existing;
};

bool csv_input(const BatchFlags& f) {
    return f.format == "csv" || (f.format.empty() && (!f.op.empty() || f.input.ends_with(".csv")));
}

// Body fields the catalog does not describe, as the lines show them: per operation, each name once, and the
// line that first had one. Only the reading thread validates, a pass at a time. Memory stays flat however
// many lines there are: past kKept names an operation only notes that there are others.
struct UnknownSeen {
    static constexpr std::size_t kKept = 100;
    struct Op {
        std::string op;
        std::vector<std::string> names;
        long long first_line = 0;
        bool others = false;
    };
    std::vector<Op> ops;  // one per operation of the catalog at most
    void add(const batch::Item& item, const std::vector<std::string>& names) {
        auto it = std::find_if(ops.begin(), ops.end(), [&](const Op& o) { return o.op == item.op; });
        if (it == ops.end()) it = ops.insert(ops.end(), Op{item.op, {}, item.line, false});
        for (const auto& n : names) {
            if (std::find(it->names.begin(), it->names.end(), n) != it->names.end()) continue;
            if (it->names.size() == kKept) {
                it->others = true;
                break;
            }
            it->names.push_back(n);
        }
    }
    std::string text() const {
        std::string out;
        for (const auto& o : ops)
            out += fmt::format("{}{} {}{} (first at line {})", out.empty() ? "" : "; ", o.op, quoted_names(o.names),
                               o.others ? " and others" : "", o.first_line);
        return out;
    }
};

// --strict makes a line with such fields invalid; otherwise they are noted for one warning.
batch::LineCheck unknown_fields_check(UnknownFields policy, UnknownSeen& seen) {
    if (policy == UnknownFields::allow) return {};
    return [policy, &seen](const batch::Item& item) -> Result<Unit> {
        if (!item.args.body) return Unit{};
        const auto names = unknown_body_fields(*item.spec, *item.args.body);
        if (names.empty()) return Unit{};
        if (policy == UnknownFields::refuse) return unknown_fields_error(*item.spec, names);
        seen.add(item, names);
        return Unit{};
    };
}

// Redraws the progress line once a second while the pacer holds every call back (nothing else would).
class ProgressTimer {
public:
    explicit ProgressTimer(BatchProgress& p) : thread_([this, &p] {
        std::unique_lock lock(mu_);
        while (!cv_.wait_for(lock, std::chrono::seconds(1), [this] { return done_; })) p.tick();
    }) {}
    ~ProgressTimer() {
        {
            std::lock_guard lock(mu_);
            done_ = true;
        }
        cv_.notify_all();
        thread_.join();
    }
    ProgressTimer(const ProgressTimer&) = delete;
    ProgressTimer& operator=(const ProgressTimer&) = delete;

private:
    std::mutex mu_;
    std::condition_variable cv_;
    bool done_ = false;
    std::thread thread_;
};

std::atomic<bool> g_interrupted{false};
Interruption* g_pacer_waits = nullptr;  // the process's (main): set before the handler is installed

extern "C" void on_sigint(int) {
    g_interrupted = true;
    if (g_pacer_waits != nullptr) g_pacer_waits->requested = true;
}

// First Ctrl-C: start nothing new, end the waits for the pacer (those lines were not sent and stay for
// --resume, their slots given back), finish what is in flight, write results. A second one kills at once
// (SA_RESETHAND); the journal then marks those lines in doubt, so nothing is lost or repeated.
void install_sigint(Interruption* pacer_waits) {
    g_pacer_waits = pacer_waits;
    struct sigaction sa{};
    sa.sa_handler = on_sigint;
    sa.sa_flags = SA_RESETHAND;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, nullptr);
    sigaction(SIGTERM, &sa, nullptr);
}

// The files the batch reads, by identity: the results file and its journal may be none of them, whatever
// name reaches them (a hard link, a symlink, /dev/stdin, /proc/self/fd/N).
std::vector<batch::FileId> input_ids(const BatchFlags& f) {
    std::vector<batch::FileId> ids;
    if (auto id = f.input == "-" ? batch::FileId::of_fd(0) : batch::FileId::of_path(f.input)) ids.push_back(*id);
    return ids;
}

Result<batch::Source> make_source(const BatchFlags& f, StdinSpool& spool) {
    batch::Source::Opener open;
    if (f.input == "-") {
        if (auto filled = spool.fill(0); !filled) return filled.error();
        open = spool.opener();
    }  // a file is opened by the source itself, without hanging on a FIFO that has no writer
    auto transform = constants_transform(f.sets, f.allow_unknown);
    if (!csv_input(f)) {
        if (!f.op.empty() || !f.maps.empty()) return invalid_input("--op and --map apply to CSV input (--format csv)");
        return (open ? batch::Source::jsonl(open) : batch::Source::jsonl_file(f.input)).with_transform(std::move(transform));
    }
    if (f.op.empty()) return invalid_input("CSV input needs --op OPERATION (e.g. --op agents.create)");
    batch::CsvOptions o{f.op, {}, f.id_column};
    for (const auto& m : f.maps) {
        const auto eq = m.find('=');
        if (eq == std::string::npos) return invalid_input(fmt::format("--map {}: expected COLUMN=FIELD", m));
        o.map.emplace_back(m.substr(0, eq), m.substr(eq + 1));
    }
    return (open ? batch::Source::csv(open, o) : batch::Source::csv_file(f.input, o)).with_transform(std::move(transform));
}

// Every setting the lines' operations need and the profile lacks, named at once before any line is checked:
// otherwise each line would be reported invalid for the same missing setting, one setting at a time. The
// input is read for it only when a setting some operation takes from the profile is unset.
std::optional<ApiError> batch_missing_settings(const batch::Source& source, const Config& config, bool sending) {
    std::vector<std::string> needed = {"host"};
    const auto profile_ids = {"account_id", "bot_id", "org_id"};
    if (!std::all_of(profile_ids.begin(), profile_ids.end(), [&](const char* key) { return config.has(key); })) {
        // A read error is left to the validation pass, which reports it.
        (void)source.each([&](batch::Item& item) {
            if (item.spec == nullptr) return true;
            for (auto& key : settings_needed(*item.spec, item.args))
                if (std::find(needed.begin(), needed.end(), key) == needed.end()) needed.push_back(std::move(key));
            return true;
        });
    }
    return missing_settings(config, "batch", std::move(needed), sending);
}

// Every line is validated before anything is sent (one pass over the whole input); the invalid ones are
// reported grouped by problem. --errors-limit N ends the pass at the N-th invalid line.
Result<int> report_invalid(const batch::Source& source, const Config& config, const BatchFlags& f,
                           const batch::LineCheck& check, std::FILE* err) {
    InvalidReport report(csv_input(f));
    long long ordinal = 0, stopped_at = 0;
    auto scan = source.each([&](batch::Item& item) {
        ++ordinal;
        batch::validate(item, config, check);
        if (!item.problem) return true;
        report.add(item, ordinal);
        if (f.errors_limit > 0 && report.lines() >= f.errors_limit) {
            stopped_at = item.line;
            return false;
        }
        return true;
    });
    if (!scan) return scan.error();
    for (auto& line : report.report(f.skip_invalid && stopped_at == 0)) {
        line = redact_json(std::move(line));  // the problem quotes the input: it may hold anything
        std::fprintf(err, "%s\n", line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace).c_str());
    }
    if (stopped_at > 0) {
        report_error(err, invalid_input(fmt::format("stopped reading at line {} after {} invalid line{} (--errors-limit {}): "
                                                    "the lines after it were not checked, and nothing was sent",
                                                    stopped_at, f.errors_limit, f.errors_limit == 1 ? "" : "s", f.errors_limit)));
        return kUsage;
    }
    if (report.lines() == 0) return kOk;
    return report.report(false).front()["error"].value("exit_code", static_cast<int>(kUsage));
}

Result<int> dry_run(const batch::Source& source, const Config& config, std::FILE* out) {
    auto scan = source.each([&](batch::Item& item) {
        if (item.problem) return true;
        auto req = build_request(*item.spec, item.args, config);
        if (!req) return true;
        auto j = dry_run_json(*req);
        j["line"] = item.line;
        print_line(out, j);
        return true;
    });
    if (!scan) return scan.error();
    return kOk;
}

// The record of sent lines lives beside the file pacer's state, per account (docs/usage.md#batch).
batch::DuplicateGuard duplicate_guard(const BatchFlags& f, const Config& config, const Context& c) {
    batch::DuplicateGuard g;
    g.dir = config.get("pacer_dir");
    g.dir_shared = config.enabled("pacer_dir_shared");
    g.getenv = c.sources.getenv;
    g.scope = pacer_scope(config);
    g.rerun = f.rerun;
    return g;
}

batch::Options runner_options(const BatchFlags& f, std::vector<batch::FileId> inputs, BatchProgress* progress, std::FILE* out,
                              batch::LineCheck check = {}) {
    batch::Options o;
    o.skip_existing = f.skip_existing;
    o.check_line = std::move(check);
    o.concurrency = f.concurrency;
    o.results_path = f.results;
    o.inputs = std::move(inputs);
    o.resume = f.resume;
    o.retry_in_doubt = f.retry_in_doubt;
    o.skip_invalid = f.skip_invalid;
    o.stop = [] { return g_interrupted.load(); };
    o.error_json = error_with_exit_code;
    if (progress) o.on_progress = [progress](const batch::Progress& p) { progress->update(p); };
    if (f.results.empty())
        o.on_record = [out](const batch::Record& r) {
            print_line(out, r.to_json());
            std::fflush(out);  // a consumer sees each line as it finishes
        };
    return o;
}

int run_batch(const BatchFlags& f, const Context& c) {
    if (f.results_given && f.results.empty())
        return c.fail(invalid_input("--results: the path is empty; give a file, or leave --results out to get "
                                    "the results on stdout"));
    if (f.resume && f.results.empty()) return c.fail(invalid_input("--resume needs --results FILE (its journal is FILE.journal)"));
    // The results are JSON Lines, one record per input line, whatever -o says: refused rather than ignored.
    if (!c.flags.jq.empty())
        return c.fail(invalid_input("batch: --jq does not apply to batch results; filter them with jq: ccai-cli batch "
                                    "... | jq 'select(.outcome != \"ok\")'"));
    if (!c.flags.output.empty() && c.flags.output != "jsonl")
        return c.fail(invalid_input(fmt::format("batch: -o {} does not apply: batch results are JSON Lines (one record per "
                                                "line); convert them with jq, e.g. ccai-cli batch ... | jq -r '[.line,"
                                                ".outcome] | @csv'", c.flags.output)));
    if (auto ok = check_constants(f.sets); !ok) return c.fail(ok.error());
    if (!f.skip_existing.empty() && !f.op.empty())
        if (const auto* spec = find_endpoint(f.op))
            if (auto list = batch::existing_lookup(*spec, f.skip_existing); !list) return c.fail(list.error());
    const auto policy = unknown_fields_policy(f.strict, f.allow_unknown);
    if (!policy) return c.fail(policy.error());
    auto config = load_config(c);
    if (!config) return c.fail(config.error());
    UnknownSeen unknown;
    auto check = unknown_fields_check(*policy, unknown);
    // --skip-existing on JSON Lines: a line whose operation no listing can look up is invalid, before any send.
    if (!f.skip_existing.empty())
        check = [inner = std::move(check), field = f.skip_existing](const batch::Item& item) -> Result<Unit> {
            if (auto list = batch::existing_lookup(*item.spec, field); !list) return list.error();
            return inner ? inner(item) : Result<Unit>(Unit{});
        };
    // Before reading anything: a results path that may not be written fails at once.
    auto inputs = input_ids(f);
    if (auto ok = batch::check_output_files(runner_options(f, inputs, nullptr, c.console.out)); !ok) return c.fail(ok.error());
    StdinSpool spool;
    auto source = make_source(f, spool);
    if (!source) return c.fail(source.error());
    if (f.input == "-")
        if (auto id = batch::FileId::of_fd(spool.fd())) inputs.push_back(*id);
    if (const auto missing = batch_missing_settings(*source, *config, !c.flags.dry_run)) return c.fail(*missing);
    auto invalid = report_invalid(*source, *config, f, check, c.console.err);
    if (!invalid) return c.fail(invalid.error());
    if (!unknown.ops.empty()) warn_unknown_fields(c.console.err, "batch", unknown.text());
    if (*invalid != kOk && !f.skip_invalid) return *invalid;
    if (c.flags.dry_run) {
        auto shown = dry_run(*source, *config, c.console.out);
        return shown ? *shown : c.fail(shown.error());
    }
    const bool tty = c.console.err_tty && !c.flags.quiet;
    BatchProgress progress(tty, config->get("rate_limit"), c.console.err);
    // No per-call wait notices: they would drown the progress line, which says when the pacer holds calls back.
    auto session = open_session(c, *config, /*wait_notices=*/false, [&progress](Duration d) { progress.waiting(d); });
    if (!session) return c.fail(session.error());
    install_sigint(c.interruption);
    const auto start = std::chrono::steady_clock::now();
    auto options = runner_options(f, std::move(inputs), &progress, c.console.out, check);
    options.guard = duplicate_guard(f, *config, c);
    std::optional<ProgressTimer> timer;
    if (tty) timer.emplace(progress);
    auto summary = batch::Runner(*session->client, std::move(options)).run(*source);
    timer.reset();
    progress.clear();
    if (!summary) return c.fail(summary.error());
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    // Skipped lines are said on stderr even when piped: a run that sent nothing must not look like one that did.
    if (summary->counts.skipped > 0 && !c.flags.quiet && !tty)
        std::fprintf(c.console.err, "batch: %lld line(s) skipped (already sent, or existing): see \"skipped\" in their "
                     "results; --rerun sends lines already sent\n", summary->counts.skipped);
    if (tty) std::fprintf(c.console.err, "%s\n", BatchProgress::summary_text(*summary, seconds).c_str());
    else if (c.flags.verbose) std::fprintf(c.console.err, "%s\n", nlohmann::json{{"summary", summary->to_json()}}.dump().c_str());
    if (g_interrupted) return kInterrupted;
    return summary->all_ok() ? kOk : kBatchFailures;
}

constexpr const char* kFooter = R"(Input: JSON Lines, one call per line: {"op":"agents.create","params":{...},"body":{...},"id":"key"}
  or CSV with --op: a header row; columns map by name to parameters or top-level body fields, or with
  --map column=field (a parameter, or a body path: a.b, queues[0].id, tags[] to append, tags[-1].x for
  the last element, a\.b for a key with a dot; --map column= ignores it). Cells are typed by the catalog.
Constants: --set PATH=VALUE / --set-json PATH=JSON on every line, typed by the catalog; a parameter name
  sets the parameter, any other path the body. The constant replaces the line's own value.
Every line is validated first; invalid lines are reported on stderr, one JSON line per problem with its
  count, line ranges and a hint, and nothing is sent (exit 2), unless --skip-invalid (then they are
  recorded as "invalid"). --errors-limit N stops the check at the N-th invalid line. Body fields the catalog does not
  describe draw one warning naming them; --strict makes such lines invalid, --allow-unknown-fields
  silences the warning.
Results: one JSON line per input line {line,id,op,outcome,status,response|error|skipped,attempts,pacer_wait_ms};
  outcome is ok, failed, in-doubt, invalid or skipped. To stdout unless --results FILE; always JSON Lines
  (-o and --jq are refused: pipe the results to jq).
Duplicates: each create (any non-idempotent line) the service accepted is recorded per account in the
  state directory; a later batch skips it as "already sent on DATE", whatever its results file (--rerun
  sends it again). --skip-existing FIELD lists the group's items first (one call per page) and skips
  lines whose FIELD is there.
Resume: --results FILE keeps FILE.journal; after a crash or Ctrl-C, rerun with --resume. A line sent
  without a recorded outcome is in-doubt and not re-sent (unless --retry-in-doubt, or GET/PUT/DELETE).
  A new run creates FILE and FILE.journal and never overwrites an existing file. Either is refused when
  it is the input, a symlink, a hard link, a device, a FIFO or a directory, or another user's file.
  A line is journaled as started once the pacer grants its slot, so lines that waited are not in doubt.
The first authentication failure (401/403) stops the run (exit 4); fix the credentials, then --resume.
stderr: a progress line and a summary when stderr is a terminal; nothing when piped, except errors
  and, with --verbose, a final {"summary":{...}} line.
Exit: 0 every line ok or skipped; 10 some line failed, in doubt or invalid; 2 invalid input; 3 the record
  of sent lines cannot be used; 4 authentication failed; 130 interrupted.)";

}  // namespace

void add_batch_command(CommandLine& cl) {
    auto& f = cl.own<BatchFlags>();
    auto cmd = cl.root().add_command("batch", "run many calls from a JSON Lines or CSV file, paced and resumable");
    cmd.footer(kFooter);
    cmd.option("--input", f.input, "input file, or - for stdin").required().type_name("FILE|-");
    cmd.option("--format", f.format, "input format (default: csv with --op or a .csv file, else jsonl)").one_of({"jsonl", "csv"});
    cmd.option("--op", f.op, "CSV: the operation every row calls").type_name("OPERATION");
    cmd.option("--map", f.maps, "CSV: column=field (repeatable)").type_name("COLUMN=FIELD");
    cmd.option("--id-column", f.id_column, "CSV: the column holding each row's key").type_name("COLUMN");
    auto results = cmd.option("--results", f.results, "results file (JSON Lines); enables the journal and --resume").type_name("FILE");
    cmd.option("--concurrency", f.concurrency, "requests in flight (all share the pacer)").range(1, 64).default_value("4");
    cmd.flag("--resume", f.resume, "continue an interrupted run from FILE.journal");
    cmd.flag("--retry-in-doubt", f.retry_in_doubt, "re-send lines whose outcome is unknown (may duplicate creates)");
    cmd.flag("--skip-invalid", f.skip_invalid, "record invalid lines as invalid and run the others");
    cmd.flag("--strict", f.strict, "lines with body fields the catalog does not describe are invalid (else: one warning)");
    cmd.flag("--allow-unknown-fields", f.allow_unknown, "send body fields the catalog does not describe without a warning");
    cmd.repeated("--set", [&f](const std::string& s) { f.sets.push_back({false, s}); },
                 "set a field on every line, typed by the catalog (repeatable; replaces the line's value): a parameter, "
                 "or a body path as in --map")
        .type_name("PATH=VALUE");
    cmd.repeated("--set-json", [&f](const std::string& s) { f.sets.push_back({true, s}); },
                 "set a body field on every line to a JSON value (repeatable)")
        .type_name("PATH=JSON");
    cmd.option("--errors-limit", f.errors_limit, "stop checking the input at the N-th invalid line (nothing is sent)")
        .range(1, 1000000000)
        .type_name("N");
    cmd.flag("--rerun", f.rerun, "send lines an earlier batch of this account already sent (creates them again)");
    cmd.option("--skip-existing", f.skip_existing,
               "creates: list what exists first (one call per page) and skip lines whose FIELD value is there")
        .type_name("FIELD")
        .not_empty();
    cmd.on_chosen([&cl, &f, results] {
        f.results_given = results.given();
        cl.action = [&f, &c = cl.context] { return run_batch(f, c); };
    });
}

}  // namespace ccai::cli
