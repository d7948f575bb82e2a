// `<group> <action> --watch INTERVAL`: the operation's request built and checked once, then sent through
// the pacer in the bulk class at every poll (a person's own calls go first), its answer printed as one line.
#include <ctime>

#include <fmt/format.h>

#include "ccai/redact.hpp"
#include "commands/operation_runner.hpp"
#include "commands/watch.hpp"
#include "output.hpp"
#include "output/jq_program.hpp"

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

// The answer as one line: --jq's outputs separated by spaces, else compact JSON narrowed by --fields.
Result<std::string> answer_line(const Context& c, const nlohmann::json& answer, const std::vector<std::string>& fields) {
    const auto value = needs_redaction(answer) ? redact_json(answer) : answer;
    if (!c.jq) return select_fields(value, fields).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    std::string line;
    const auto error = c.jq->run(value, [&](std::string_view out) {
        if (!line.empty()) line += ' ';
        line += redact(out);
        // Ctrl-C only sets a flag during a watch (see WatchingGuard): a program that never ends stops here.
        return !(c.interruption && c.interruption->requested.load());
    });
    if (error) {
        ApiError e;  // ErrorKind::other: exit 1, as --jq's run-time errors elsewhere
        e.message = *error;
        return e;
    }
    // One line per poll: a string holding a newline must not look like two polls.
    for (auto& ch : line)
        if (ch == '\n' || ch == '\r') ch = ' ';
    return line;
}

}  // namespace

int run_watch(const EndpointSpec& spec, const CallArgs& args, const Context& c, const std::string& interval_text,
              bool every) {
    if (!spec.read_only())
        return c.fail(invalid_input(fmt::format("--watch repeats read-only operations only: {} {} changes data",
                                                spec.group(), spec.action())));
    if (const auto& o = c.flags.output; !o.empty() && o != "json" && o != "jsonl")
        return c.fail(invalid_input(fmt::format(
            "--watch prints one line per change: -o {} does not combine with it; choose what it shows with --fields or --jq", o)));
    auto interval = parse_watch_interval(interval_text);
    if (!interval) return c.fail(interval.error());
    if (c.flags.dry_run) return run_operation(spec, args, c);  // the request each poll sends
    auto config = load_config(c);
    if (!config) return c.fail(config.error());
    auto request = build_request(spec, args, *config);  // checked once, before anything is sent
    if (!request) return c.fail(request.error());
    auto pacing = pacer_options(*config);
    if (!pacing) return c.fail(pacing.error());
    if (const auto floor = watch_floor(pacing->windows); *interval < floor) {
        if (!c.flags.quiet)
            std::fprintf(c.console.err,
                         "notice: --watch %s is below this account's floor of %s (one watch takes at most a tenth of "
                         "the rate limit): polling every %s\n",
                         interval_text.c_str(), duration_text(floor).c_str(), duration_text(floor).c_str());
        *interval = floor;
    }
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

}  // namespace ccai::cli
