#include "ccai/clock.hpp"

#include <algorithm>
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

std::shared_ptr<Clock> system_clock() {
    static const auto clock = std::make_shared<SystemClock>();
    return clock;
}

}  // namespace ccai
