#pragma once
/// @file clock.hpp
/// @brief Injected time: the pacer and retry policies read and sleep through a Clock, so tests never sleep.

#include <chrono>
#include <memory>
#include <optional>
#include <string_view>

namespace ccai {

/// @brief Monotonic time. On Linux steady_clock is CLOCK_MONOTONIC, shared by every process on the host,
/// so pacer state files written by one process are read correctly by another, and wall-clock jumps
/// do not disturb spacing.
using Duration = std::chrono::microseconds;
using TimePoint = std::chrono::time_point<std::chrono::steady_clock, Duration>;

class Clock {
public:
    virtual ~Clock() = default;
    virtual TimePoint now() = 0;
    virtual void sleep_for(Duration d) = 0;
    void sleep_until(TimePoint t) {
        const auto n = now();
        if (t > n) sleep_for(t - n);
    }
};

/// @brief The real clock.
class SystemClock final : public Clock {
public:
    TimePoint now() override;
    void sleep_for(Duration d) override;
};

/// @brief A duration as a person writes one: seconds ("30", "1.5", "0"), or numbers with units from the
/// largest down, each at most once ("500ms", "30s", "2m", "1h30m", "1m05s"). nullopt for anything else and
/// for more than a year (a typo, and no overflow). Ranges are the caller's (--watch, duration settings).
std::optional<Duration> parse_duration(std::string_view text);

/// @brief A process-wide SystemClock.
std::shared_ptr<Clock> system_clock();

}  // namespace ccai
