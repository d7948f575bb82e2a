#pragma once
// The service's rate limit as the mock enforces it: a true rolling log per account
// (timestamps of the requests that took a slot), one or more windows.
#include <chrono>
#include <deque>
#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "ccai/pacer.hpp"

namespace ccai::mock {

class RateLimiter {
public:
    using Clock = std::chrono::steady_clock;

    struct Decision {
        bool allowed = true;
        std::chrono::milliseconds retry_after{0};  ///< until a slot frees in every full window
        std::string message;                        ///< the service's rejection text
    };

    RateLimiter(std::vector<RateWindow> windows, bool count_rejected);

    /// Admits (and records) a request of `account` at `now`, or says why not.
    Decision admit(const std::string& account, Clock::time_point now);

    /// The rejection text for a window: hourly for windows of an hour or more, else per-minute.
    static std::string message_for(const RateWindow& w);

private:
    std::vector<RateWindow> windows_;
    bool count_rejected_;
    Clock::duration longest_{0};
    std::mutex mu_;
    std::map<std::string, std::deque<Clock::time_point>> log_;
};

}  // namespace ccai::mock
