#include "guards/rate_window.hpp"

#include <algorithm>

namespace ccai::mock {

RateLimiter::RateLimiter(std::vector<RateWindow> windows, bool count_rejected)
    : windows_(std::move(windows)), count_rejected_(count_rejected) {
    for (const auto& w : windows_)
        longest_ = std::max<Clock::duration>(longest_, std::chrono::duration_cast<Clock::duration>(w.window));
}

std::string RateLimiter::message_for(const RateWindow& w) {
    if (w.window >= std::chrono::hours(1))
        return "You've exceeded the hourly rate limit. Please wait for sometime before retrying.";
    return "You've exceeded the per-minute rate limit. Please wait for sometime before retrying.";
}

RateLimiter::Decision RateLimiter::admit(const std::string& account, Clock::time_point now) {
    Decision d;
    if (windows_.empty()) return d;
    std::lock_guard lock(mu_);
    auto& log = log_[account];
    while (!log.empty() && log.front() <= now - longest_) log.pop_front();
    Clock::duration worst{0};
    for (const auto& w : windows_) {
        const auto span = std::chrono::duration_cast<Clock::duration>(w.window);
        // Entries inside this window are the newest ones: find the first inside.
        const auto first = std::upper_bound(log.begin(), log.end(), now - span);
        const auto in_window = static_cast<long long>(log.end() - first);
        if (in_window < w.limit) continue;
        // A slot frees when the entry that would have to leave expires.
        const auto leaving = *(first + (in_window - w.limit));
        const auto wait = leaving + span - now;
        if (!d.allowed && wait <= worst) continue;
        d.allowed = false;
        worst = std::max(worst, wait);
        d.message = message_for(w);
    }
    if (!d.allowed) {
        d.retry_after = std::chrono::ceil<std::chrono::milliseconds>(worst);
        if (count_rejected_) log.push_back(now);
        return d;
    }
    log.push_back(now);
    return d;
}

}  // namespace ccai::mock
