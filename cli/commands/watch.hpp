#pragma once
// --watch INTERVAL: a read-only operation called again and again, a timestamped line printed when its
// answer changes (or at every poll with --every), until Ctrl-C (exit 0). The loop is apart from the command
// so that tests drive it with a fake clock and a fake call.
#include <cstdio>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "ccai/clock.hpp"
#include "ccai/error.hpp"
#include "ccai/pacer.hpp"
#include "context.hpp"

namespace ccai::cli {

/// "30" (seconds), "30s", "1.5s", "500ms", "2m", "1h", and those joined from the largest unit down as
/// duration_text prints them ("1m05s", "1h30m"): positive, at most a day. Anything else is invalid_input
/// naming the forms accepted.
Result<Duration> parse_watch_interval(std::string_view text);

/// The shortest interval one watch may poll at: 10 x the pacer's interval (ccai::pacer_interval: the
/// largest window x (1 + margin) / limit), so a watch takes at most a tenth of the account's budget. 0
/// without limits.
Duration watch_floor(const std::vector<RateWindow>& windows, double margin);

/// What the loop runs with.
struct WatchLoop {
    Clock& clock;                                ///< paces the polls and sleeps between them
    std::function<std::string()> timestamp;      ///< the wall time that starts each printed line
    Interruption* interruption = nullptr;        ///< Ctrl-C: the loop ends at once, exit 0
    std::FILE* out = stdout;
    std::FILE* err = stderr;
    Duration interval{0};
    bool every = false;                          ///< a line at every poll, not only when the answer changes
    /// One poll: the text of the answer (one line), or the call's failure.
    std::function<Result<std::string>()> poll;
    /// Reports what ends the watch with an error (the first poll's failure, an output that cannot be
    /// written) and returns its exit code.
    std::function<int(const ApiError&)> fail;
};

/// Polls every `interval` (counted from the previous poll's start; a slow call is never caught up with a
/// burst) until interrupted, and returns 0 then. The first poll's failure ends the watch with its exit code;
/// a later one is printed as a timestamped line on `err` and the watch goes on (a network blip does not end
/// an unattended watch). An output that cannot be written ends it with exit 1.
int run_watch_loop(const WatchLoop& loop);

/// Why `--watch` or `--every` (`flag`) is not a flag of the command at `command_path` ("agents create"):
/// an invalid_input error saying that --watch polls read-only operations and this one changes data, and a
/// hint naming the group's read-only actions. nullopt when the command is not such an operation or `flag`
/// is another.
struct Refusal {
    ApiError error;
    std::string hint;
};
std::optional<Refusal> watch_refusal(const std::vector<std::string>& command_path, std::string_view flag);

/// `<group> <action> --watch INTERVAL [--every]`: checks (read-only is enforced by registering the flag only
/// there; -o json or jsonl, or --jq, or --fields; none of the row formats' flags), then runs the loop through
/// the pacer in the bulk class.
int run_watch(const EndpointSpec& spec, const CallArgs& args, const Context& context, const std::string& interval,
              bool every);

}  // namespace ccai::cli
