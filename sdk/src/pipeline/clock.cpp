#include "ccai/clock.hpp"

#include <thread>

namespace ccai {

TimePoint SystemClock::now() { return std::chrono::time_point_cast<Duration>(std::chrono::steady_clock::now()); }

void SystemClock::sleep_for(Duration d) {
    if (d > Duration::zero()) std::this_thread::sleep_for(d);
}

std::shared_ptr<Clock> system_clock() {
    static const auto clock = std::make_shared<SystemClock>();
    return clock;
}

}  // namespace ccai
