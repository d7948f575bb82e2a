#include "ccai/clock.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <iterator>
#include <thread>

#include "ccai/pacer.hpp"

namespace ccai {

TimePoint SystemClock::now() { return std::chrono::time_point_cast<Duration>(std::chrono::steady_clock::now()); }

void SystemClock::sleep_for(Duration d) {
    if (d > Duration::zero()) std::this_thread::sleep_for(d);
}

bool sleep_interruptibly(Clock& clock, TimePoint until, Interruption* interruption) {
    if (interruption == nullptr) {
        clock.sleep_until(until);
        return true;
    }
    auto& in = *interruption;
    ++in.waiting;
    // In slices: a clock's sleep cannot be woken, and a person pressing Ctrl-C expects an answer at once.
    for (auto now = clock.now(); !in.requested && now < until; now = clock.now())
        clock.sleep_for(std::min<Duration>(until - now, std::chrono::milliseconds(50)));
    --in.waiting;
    return !in.requested;
}

std::optional<Duration> parse_duration(std::string_view text) {
    // Each part is a number and its unit, the units from the largest down, each at most once; a bare
    // number (seconds) only alone.
    constexpr std::string_view kUnits[] = {"h", "m", "s", "ms"};
    constexpr double kScale[] = {3600e6, 60e6, 1e6, 1e3};
    constexpr double kYear = 366 * 24 * 3600e6;
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
        if (number.empty() || std::from_chars(number.data(), end, value).ptr != end || !std::isfinite(value))
            return std::nullopt;
        std::size_t u = next_unit;
        if (unit.empty()) {
            if (next_unit != 0 || !rest.empty()) return std::nullopt;  // "30" alone
            u = 2;
        } else {
            while (u < std::size(kUnits) && kUnits[u] != unit) ++u;
            if (u == std::size(kUnits)) return std::nullopt;
        }
        us += value * kScale[u];
        next_unit = u + 1;
        if (!std::isfinite(us) || us > kYear) return std::nullopt;
    }
    return Duration(static_cast<Duration::rep>(std::llround(us)));
}

std::shared_ptr<Clock> system_clock() {
    static const auto clock = std::make_shared<SystemClock>();
    return clock;
}

}  // namespace ccai
