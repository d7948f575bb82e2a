#pragma once
/// @file clock.hpp
/// @brief Injected time: the pacer and retry policies read and sleep through a Clock, so tests never sleep.

#include <chrono>
#include <memory>

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

/// @brief A process-wide SystemClock.
std::shared_ptr<Clock> system_clock();

}  // namespace ccai
