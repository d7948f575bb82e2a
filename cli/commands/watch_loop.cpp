// The --watch loop and its interval arithmetic, free of I/O besides the two streams it is given.
#include <algorithm>
#include <charconv>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <optional>

#include <fmt/format.h>

#include "commands/watch.hpp"
#include "exit_codes.hpp"
#include "output.hpp"

namespace ccai::cli {

Result<Duration> parse_watch_interval(std::string_view text) {
    const auto d = parse_duration(text);
    // Below a millisecond is no interval anyone means; past a day, a typo.
    if (!d || *d < std::chrono::milliseconds(1) || *d > std::chrono::hours(24))
        return invalid_input(fmt::format("--watch: '{}' is not an interval: use seconds (30, 1.5), or a number with "
                                         "ms, s, m or h (500ms, 30s, 2m, 1h, 1m30s), above 0 and at most 24h", text));
    return *d;
}

Duration watch_floor(const std::vector<RateWindow>& windows, double margin) { return pacer_interval(windows, margin) * 10; }

int run_watch_loop(const WatchLoop& w) {
    const auto interrupted = [&] { return w.interruption && w.interruption->requested.load(); };
    std::optional<std::string> last;
    bool first = true;
    auto next = w.clock.now();
    while (!interrupted()) {
        // A reader that left (`| head -1`) is seen before the next poll, not at the next change, which may
        // never come: polling on would be for nobody. Quiet, exit 1, as a failed write to it.
        if (!first && reader_gone(w.out)) return kOther;
        auto answer = w.poll();
        if (interrupted() || (!answer && answer.error().kind == ErrorKind::interrupted)) break;
        if (!answer) {
            if (first) return w.fail(answer.error());
            // The error as every command prints it, after the time: one line, secrets masked.
            const auto error = nlohmann::json{{"error", error_with_exit_code(answer.error())}};
            std::fprintf(w.err, "%s %s\n", w.timestamp().c_str(),
                         error.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace).c_str());
            std::fflush(w.err);
        } else if (w.every || !last || *answer != *last) {
            // Written whole (a NUL does not end it), and one line whatever the answer holds: the answer's
            // control bytes are escaped where it is made (watch_command.cpp).
            const auto line = w.timestamp() + " " + *answer + "\n";
            std::fwrite(line.data(), 1, line.size(), w.out);
            if (std::fflush(w.out) != 0 || std::ferror(w.out)) {
                // A closed pipe (SIGPIPE ignored: quiet, as `head` users expect) or a full disk: polling on
                // would be for nobody.
                const int error = errno;
                if (error == EPIPE || reader_gone(w.out)) return kOther;
                ApiError e;  // ErrorKind::other: exit 1
                e.message = fmt::format("--watch: the output could not be written ({})", std::strerror(error));
                return w.fail(e);
            }
            last = std::move(*answer);
        }
        first = false;
        // The next poll one interval after this one began; a call slower than the interval is followed at
        // once, never by several to catch up.
        next = std::max(next + w.interval, w.clock.now());
        if (!sleep_interruptibly(w.clock, next, w.interruption)) break;
    }
    return 0;
}

}  // namespace ccai::cli
