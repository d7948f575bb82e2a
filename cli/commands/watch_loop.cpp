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

namespace ccai::cli {

Result<Duration> parse_watch_interval(std::string_view text) {
    const auto bad = [&] {
        return invalid_input(fmt::format("--watch: '{}' is not an interval: use seconds (30, 1.5), or a number with "
                                         "ms, s, m or h (500ms, 30s, 2m, 1h), above 0 and at most 24h", text));
    };
    std::string_view number = text, unit = "s";
    if (const auto at = text.find_first_not_of("0123456789."); at != std::string_view::npos) {
        number = text.substr(0, at);
        unit = text.substr(at);
    }
    double value = 0;
    const auto* end = number.data() + number.size();
    if (number.empty() || std::from_chars(number.data(), end, value).ptr != end || !std::isfinite(value)) return bad();
    const double scale = unit == "ms" ? 1e3 : unit == "s" ? 1e6 : unit == "m" ? 60e6 : unit == "h" ? 3600e6 : 0;
    const double us = value * scale;
    // Below a millisecond is no interval anyone means; past a day, a typo.
    if (scale == 0 || us < 1e3 || us > 24 * 3600e6) return bad();
    return Duration(static_cast<Duration::rep>(std::llround(us)));
}

Duration watch_floor(const std::vector<RateWindow>& windows) {
    Duration interval{0};
    for (const auto& w : windows)
        if (w.limit > 0) interval = std::max(interval, Duration(w.window.count() / w.limit));
    return interval * 10;
}

std::string duration_text(Duration d) {
    const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(d).count();
    if (ms % 1000 != 0 || ms < 60000) {
        if (ms % 1000 == 0) return fmt::format("{}s", ms / 1000);
        return ms < 1000 ? fmt::format("{}ms", ms) : fmt::format("{:g}s", static_cast<double>(ms) / 1000);
    }
    const auto s = ms / 1000;
    std::string out;
    if (s >= 3600) out += fmt::format("{}h", s / 3600);
    if (s % 3600 >= 60) out += fmt::format("{}m", s % 3600 / 60);
    if (s % 60) out += fmt::format("{}s", s % 60);
    return out;
}

int run_watch_loop(const WatchLoop& w) {
    const auto interrupted = [&] { return w.interruption && w.interruption->requested.load(); };
    std::optional<std::string> last;
    bool first = true;
    auto next = w.clock.now();
    while (!interrupted()) {
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
            std::fprintf(w.out, "%s %s\n", w.timestamp().c_str(), answer->c_str());
            if (std::fflush(w.out) != 0 || std::ferror(w.out)) {
                // A closed pipe (SIGPIPE ignored) or a full disk: polling on would be for nobody.
                ApiError e;  // ErrorKind::other: exit 1
                e.message = fmt::format("--watch: the output could not be written ({})", std::strerror(errno));
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
