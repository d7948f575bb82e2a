#pragma once
// What the pacer's contract (pacer_contract.hpp) is checked with: the setup per backend, fake clocks, and
// helpers that make pacers and read their grants.
#include <doctest/doctest.h>

#include <algorithm>
#include <atomic>
#include <functional>
#include <utility>
#include <string>
#include <vector>

#include "ccai/pacer.hpp"
#include "support/fakes.hpp"

namespace ccai::test::pacer_contract {

using namespace std::chrono_literals;

struct Setup {
    // A constructor, not an aggregate: most setups name no password, and -Wextra warns of every
    // aggregate initializer that leaves a member out.
    Setup(std::string b, std::string d, std::string pw = "")
        : backend(std::move(b)), dir(std::move(d)), redis_password(std::move(pw)) {}
    std::string backend;         ///< "memory", "file", "redis://..."
    std::string dir;             ///< file backend's directory
    std::string redis_password;  ///< redis: AUTH for the URL's user (or the default user)
};

/// A clock that never moves: each acquire() reports its reserved wait, so reservation order is visible.
class FrozenClock final : public Clock {
public:
    TimePoint now() override { return TimePoint(std::chrono::hours(1000)); }
    void sleep_for(Duration) override {}
};

/// A fake clock that, the first time something sleeps past `at` from the start, stops there and runs
/// `fn` (another client finishing its request, or being rejected, while this one waits).
class InterruptedClock final : public Clock {
public:
    InterruptedClock(Duration at, std::function<void()> fn) : at_(at), fn_(std::move(fn)) {}
    TimePoint now() override { return now_; }
    void sleep_for(Duration d) override {
        if (fn_ && now_ + d > start_ + at_) {
            d -= start_ + at_ - now_;
            now_ = start_ + at_;
            std::exchange(fn_, nullptr)();
        }
        now_ += std::max(Duration(0), d);
    }
    const TimePoint start_{std::chrono::hours(1000)};

private:
    TimePoint now_{start_};
    Duration at_;
    std::function<void()> fn_;
};

inline std::string unique_scope() {
    static std::atomic<int> n{0};
    return "https://test.invalid|acct-" + std::to_string(::getpid()) + "-" + std::to_string(n++);
}

inline PacerOptions options(const Setup& s, const std::string& limits, const std::string& scope) {
    PacerOptions o;
    o.windows = *parse_rate_limits(limits);
    o.scope = scope;
    o.backend = s.backend;
    o.redis_password = s.redis_password;
    o.dir = s.dir;
    o.use_client_clock = true;  // redis: follow the fake clock instead of the server's TIME
    o.margin = 0.01;            // the numbers below; the defaults are checked in pacer_spec_test.cpp
    return o;
}

inline std::unique_ptr<Pacer> make(const Setup& s, const std::string& limits, const std::string& scope,
                                   std::shared_ptr<Clock> clock, PacerOptions* customize = nullptr) {
    auto o = options(s, limits, scope);
    if (customize) {
        o.on_wait = customize->on_wait;
        o.log = customize->log;
        o.margin = customize->margin;
        o.burst = customize->burst;
        o.max_penalty = customize->max_penalty;
        o.interruption = customize->interruption;
        o.bulk_min_share = customize->bulk_min_share;
    }
    auto p = make_pacer(o, std::move(clock));
    REQUIRE_MESSAGE(p.ok(), (p.ok() ? "" : p.error().message));
    return std::move(*p);
}

/// Options for make(): the contract's margin and a bulk share.
inline PacerOptions with_share(double share) {
    PacerOptions o;
    o.margin = 0.01;
    o.bulk_min_share = share;
    return o;
}

/// The most grants any rolling window of length `w` (closed at its right end) holds.
inline int max_in_any_window(const std::vector<TimePoint>& grants, Duration w) {
    int best = 0;
    for (size_t i = 0; i < grants.size(); ++i) {
        int n = 0;
        for (size_t j = 0; j <= i; ++j) n += grants[j] > grants[i] - w ? 1 : 0;
        best = std::max(best, n);
    }
    return best;
}

inline Duration min_gap(const std::vector<TimePoint>& g) {
    Duration m = Duration::max();
    for (size_t i = 1; i < g.size(); ++i) m = std::min(m, g[i] - g[i - 1]);
    return m;
}

inline std::vector<TimePoint> acquire_n(Pacer& p, FakeClock& clock, int n, Priority priority = Priority::interactive) {
    std::vector<TimePoint> grants;
    for (int i = 0; i < n; ++i) {
        REQUIRE(p.acquire_within(Duration::max(), priority).ok());
        grants.push_back(clock.now());
    }
    return grants;
}

inline int grants_now(Pacer& p) {
    auto st = p.status();
    REQUIRE(st.ok());
    return (*st)["limits"][0]["grants_in_window"].get<int>();
}

}  // namespace ccai::test::pacer_contract
