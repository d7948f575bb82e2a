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
    const auto bad = [&] {
        return invalid_input(fmt::format("--watch: '{}' is not an interval: use seconds (30, 1.5), or a number with "
                                         "ms, s, m or h (500ms, 30s, 2m, 1h, 1m30s), above 0 and at most 24h", text));
    };
    // Each part is a number and its unit, the units from the largest down, each at most once; a bare
    // number (seconds) only alone.
    constexpr std::string_view kUnits[] = {"h", "m", "s", "ms"};
    constexpr double kScale[] = {3600e6, 60e6, 1e6, 1e3};
    double us = 0;
    std::size_t next_unit = 0;  // the units still allowed start here
    for (std::string_view rest = text; !rest.empty() || next_unit == 0;) {
        const auto at = std::min(rest.find_first_not_of("0123456789."), rest.size());
        const auto number = rest.substr(0, at);
        rest.remove_prefix(at);
        const auto unit_end = std::min(rest.find_first_of("0123456789."), rest.size());
        const auto unit = rest.substr(0, unit_end);
        rest.remove_prefix(unit_end);
        double value = 0;
        const auto* end = number.data() + number.size();
        if (number.empty() || std::from_chars(number.data(), end, value).ptr != end || !std::isfinite(value)) return bad();
        std::size_t u = next_unit;
        if (unit.empty()) {
            if (next_unit != 0 || !rest.empty()) return bad();  // "30" alone
            u = 2;
        } else {
            while (u < std::size(kUnits) && kUnits[u] != unit) ++u;
            if (u == std::size(kUnits)) return bad();
        }
        us += value * kScale[u];
        next_unit = u + 1;
        if (!std::isfinite(us) || us > 24 * 3600e6) return bad();
    }
    // Below a millisecond is no interval anyone means; past a day, a typo.
    if (us < 1e3) return bad();
    return Duration(static_cast<Duration::rep>(std::llround(us)));
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
