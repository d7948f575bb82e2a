// `<group> <action> --watch INTERVAL`: the operation's request built and checked once, then sent through
// the pacer in the bulk class at every poll (a person's own calls go first), its answer printed as one line.
#include <ctime>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "ccai/redact.hpp"
#include "commands/operation_runner.hpp"
#include "commands/watch.hpp"
#include "duration_text.hpp"
#include "output.hpp"
#include "output/jq_program.hpp"
#include "output/text_writer.hpp"

namespace ccai::cli {

namespace {

std::string utc_now() {
    const auto now = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
    std::tm tm{};
    ::gmtime_r(&now, &tm);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return buf;
}

// Ctrl-C during a watch always ends it cleanly (exit 0), even while a request is on the wire: main's handler
// kills the process unless a wait is in progress, so the whole watch counts as one. The request in flight
// finishes (its slot was spent anyway), then the loop sees the request and stops.
class WatchingGuard {
public:
    explicit WatchingGuard(Interruption* in) : in_(in) {
        if (in_) ++in_->waiting;
    }
    ~WatchingGuard() {
        if (in_) --in_->waiting;
    }
    WatchingGuard(const WatchingGuard&) = delete;
    WatchingGuard& operator=(const WatchingGuard&) = delete;

private:
    Interruption* in_;
};

// The most --jq's outputs may add up to on one line: a program that never ends (`repeat(1)`) would else
// grow it until memory runs out.
constexpr std::size_t kMostLineBytes = std::size_t{1} << 20;

// The answer as one line: --jq's outputs separated by spaces, else compact JSON narrowed by --fields (JSON
// escapes every control byte itself).
Result<std::string> answer_line(const Context& c, const nlohmann::json& answer, const std::vector<std::string>& fields) {
    const auto value = needs_redaction(answer) ? redact_json(answer) : answer;
    if (!c.jq) return select_fields(value, fields).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    std::string line;
    bool too_long = false;
    const auto error = c.jq->run(value, [&](std::string_view out) {
        // One line per poll, shown as it is: a newline must not look like two polls, nor ESC act on the
        // terminal; escaped as -o text escapes (\n, \x1b), so the outputs read back exactly.
        const auto text = escape_text(redact(out));
        if (line.size() + 1 + text.size() > kMostLineBytes) {
            too_long = true;
            return false;
        }
        if (!line.empty()) line += ' ';
        line += text;
        // Ctrl-C only sets a flag during a watch (see WatchingGuard): a program that never ends stops here.
        return !(c.interruption && c.interruption->requested.load());
    });
    if (error || too_long) {
        ApiError e;  // ErrorKind::other: exit 1, as --jq's run-time errors elsewhere
        e.message = error ? *error
                          : fmt::format("--watch: the outputs of --jq for one answer exceed {} MiB on one line; the "
                                        "program was stopped (does it end?)", kMostLineBytes >> 20);
        return e;
    }
    return line;
}

}  // namespace

int run_watch(const EndpointSpec& spec, const CallArgs& args, const Context& c, const std::string& interval_text,
              bool every) {
    // Read-only is enforced by the parser: --watch is registered on read-only operations only.
    if (const auto& o = c.flags.output; !o.empty() && o != "json" && o != "jsonl")
        return c.fail(invalid_input(fmt::format(
            "--watch prints one line per change: -o {} does not combine with it; choose what it shows with --fields or --jq", o)));
    // The row formats' flags would be silently ignored: --watch prints JSON or --jq's outputs.
    const auto& f = c.flags;
    for (const auto& [given, name] : {std::pair{f.headers, "--headers"}, std::pair{f.no_headers, "--no-headers"},
                                      std::pair{f.bom, "--bom"}, std::pair{f.wide, "--wide"}})
        if (given)
            return c.fail(invalid_input(fmt::format(
                "--watch prints one line per change: {} belongs to the row formats (csv, text, table) and does not "
                "combine with it", name)));
    auto interval = parse_watch_interval(interval_text);
    if (!interval) return c.fail(interval.error());
    if (c.flags.dry_run) return run_operation(spec, args, c);  // the request each poll sends
    auto config = load_config(c);
    if (!config) return c.fail(config.error());
    auto request = build_request(spec, args, *config);  // checked once, before anything is sent
    if (!request) return c.fail(request.error());
    auto pacing = pacer_options(*config);
    if (!pacing) return c.fail(pacing.error());
    if (const auto floor = watch_floor(pacing->windows, pacing->margin); *interval < floor) {
        // Printed rounded up, as --watch accepts it back; polled at that, so the notice tells the truth.
        const auto shown = duration_text(floor);
        if (!c.flags.quiet)
            std::fprintf(c.console.err,
                         "notice: --watch %s is below this account's floor of %s (one watch takes at most a tenth of "
                         "the rate limit): polling every %s\n",
                         escape_text(interval_text).c_str(), shown.c_str(), shown.c_str());
        *interval = *parse_watch_interval(shown);
    }
    // A watch is there to see changes: every poll asks the service, whatever --cache says.
    config->set("cache", "0", "--watch");
    auto session = open_session(c, *config);
    if (!session) return c.fail(session.error());
    // The clock the command's clients get (tests give a fake one), else the system's.
    ClientOptions probe;
    if (c.client_setup) c.client_setup(probe);
    const auto clock = probe.clock ? probe.clock : system_clock();
    const auto fields = split_fields(c.flags.fields);
    WatchingGuard guard(c.interruption);
    WatchLoop loop{*clock, utc_now, c.interruption, c.console.out, c.console.err, *interval, every, {}, {}};
    loop.poll = [&]() -> Result<std::string> {
        CallStats stats;
        stats.priority = Priority::bulk;  // polling is background work: a person's single call goes first
        auto answer = to_result(session->client->send(*request, &stats));
        if (!answer) return answer.error();
        return answer_line(c, *answer, fields);
    };
    loop.fail = [&](const ApiError& e) { return c.fail(e); };
    return run_watch_loop(loop);
}

std::optional<Refusal> watch_refusal(const std::vector<std::string>& command_path, std::string_view flag) {
    if ((flag != "--watch" && flag != "--every") || command_path.size() != 2) return std::nullopt;
    const auto* spec = find_endpoint(command_path[0], command_path[1]);
    if (spec == nullptr || spec->read_only()) return std::nullopt;
    const auto command = fmt::format("{} {}", spec->group(), spec->action());
    Refusal r{invalid_input(fmt::format("{} polls read-only operations; '{}' changes data",
                                        flag == "--watch" ? "--watch" : "--every goes with --watch, which", command)),
              ""};
    std::vector<std::string_view> readers;
    for (const auto& s : endpoints())
        if (s.group() == spec->group() && s.read_only()) readers.push_back(s.action());
    r.hint = readers.empty()
                 ? fmt::format("run '{}' once; {} has no read-only action to watch", command, spec->group())
                 : fmt::format("watch what it changed with a read-only action of {}: {} (e.g. 'ccai-cli {} {} --watch 30s')",
                               spec->group(), fmt::join(readers, ", "), spec->group(), readers.front());
    return r;
}

}  // namespace ccai::cli
