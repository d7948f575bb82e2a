#pragma once
// The pacer's contract, checked identically for every backend: the unit tests run it on memory and
// file, tests/integration/pacer_redis_test.cpp on a real redis-server. Time is a FakeClock throughout.
#include <doctest/doctest.h>

#include <atomic>
#include <string>
#include <vector>

#include "ccai/pacer.hpp"
#include "support/fakes.hpp"

namespace ccai::test::pacer_contract {

using namespace std::chrono_literals;

struct Setup {
    std::string backend;  ///< "memory", "file", "redis://..."
    std::string dir;      ///< file backend's directory
};

/// A clock that never moves: each acquire() reports its reserved wait, so reservation order is visible.
class FrozenClock final : public Clock {
public:
    TimePoint now() override { return TimePoint(std::chrono::hours(1000)); }
    void sleep_for(Duration) override {}
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
    o.dir = s.dir;
    o.use_client_clock = true;  // redis: follow the fake clock instead of the server's TIME
    return o;
}

inline std::unique_ptr<Pacer> make(const Setup& s, const std::string& limits, const std::string& scope,
                                   std::shared_ptr<Clock> clock, PacerOptions* customize = nullptr) {
    auto o = options(s, limits, scope);
    if (customize) {
        o.on_wait = customize->on_wait;
        o.log = customize->log;
        o.margin = customize->margin;
    }
    auto p = make_pacer(o, std::move(clock));
    REQUIRE_MESSAGE(p.ok(), (p.ok() ? "" : p.error().message));
    return std::move(*p);
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

inline std::vector<TimePoint> acquire_n(Pacer& p, FakeClock& clock, int n) {
    std::vector<TimePoint> grants;
    for (int i = 0; i < n; ++i) {
        REQUIRE(p.acquire().ok());
        grants.push_back(clock.now());
    }
    return grants;
}

// 60/1m at full demand: grants 1s x 1.02 apart, the first at once, no rolling 60 s holds more than 60.
inline void spacing_at_full_limit(const Setup& s) {
    auto clock = std::make_shared<FakeClock>();
    auto p = make(s, "60/1m", unique_scope(), clock);
    const auto start = clock->now();
    const auto g = acquire_n(*p, *clock, 120);
    CHECK(g.front() == start);
    for (size_t i = 1; i < g.size(); ++i) CHECK(g[i] - g[i - 1] == 1020ms);
    CHECK(max_in_any_window(g, 60s) <= 60);
    CHECK(max_in_any_window(g, 61200ms) <= 60);  // even with the margin
}

// Several windows: spacing is the max over windows and no window of either length overflows.
inline void multi_window(const Setup& s) {
    auto clock = std::make_shared<FakeClock>();
    auto p = make(s, "5/1s,8/10s", unique_scope(), clock);
    const auto g = acquire_n(*p, *clock, 30);
    for (size_t i = 1; i < g.size(); ++i) CHECK(g[i] - g[i - 1] >= 1275ms);  // 10.2 s / 8
    CHECK(max_in_any_window(g, 1s) <= 5);
    CHECK(max_in_any_window(g, 10s) <= 8);
    CHECK(g.back() - g.front() == 29 * 1275ms);  // and no slower than that
}

// A rejection seen by one process pauses the others on the scope.
inline void penalty_pauses_everyone(const Setup& s) {
    auto clock = std::make_shared<FakeClock>();
    const auto scope = unique_scope();
    auto a = make(s, "60/1m", scope, clock);
    auto b = make(s, "60/1m", scope, clock);
    a->penalize(10s);
    CHECK(b->time_until_free() == 10s);
    auto w = b->acquire();
    REQUIRE(w.ok());
    CHECK(*w == 10s);
    auto st = a->status();
    REQUIRE(st.ok());
    CHECK((*st)["penalty_ms"] == 0);
    CHECK((*st)["limits"][0]["grants_in_window"] == 1);
}

// Whoever reserves first gets the earlier slot, across pacer objects sharing a scope.
inline void fifo_fairness(const Setup& s) {
    auto clock = std::make_shared<FrozenClock>();
    const auto scope = unique_scope();
    auto a = make(s, "10/1s", scope, clock);
    auto b = make(s, "10/1s", scope, clock);
    CHECK(*a->acquire() == 0ms);
    CHECK(*b->acquire() == 102ms);
    CHECK(*a->acquire() == 204ms);
    CHECK(*b->acquire() == 306ms);
}

// Two pacers on the same scope share one budget: interleaved grants stay spaced.
inline void shared_budget(const Setup& s) {
    auto clock = std::make_shared<FakeClock>();
    const auto scope = unique_scope();
    auto a = make(s, "20/2s", scope, clock);
    auto b = make(s, "20/2s", scope, clock);
    std::vector<TimePoint> g;
    for (int i = 0; i < 50; ++i) {
        REQUIRE((i % 2 ? b : a)->acquire().ok());
        g.push_back(clock->now());
    }
    CHECK(max_in_any_window(g, 2s) <= 20);
    for (size_t i = 1; i < g.size(); ++i) CHECK(g[i] - g[i - 1] == 102ms);
}

// on_wait fires only for waits over a second; log sees every grant; status and reset behave.
inline void visibility_status_reset(const Setup& s) {
    auto clock = std::make_shared<FakeClock>();
    std::vector<Duration> waits;
    std::vector<std::string> lines;
    PacerOptions hooks;
    hooks.on_wait = [&](Duration d) { waits.push_back(d); };
    hooks.log = [&](const std::string& l) { lines.push_back(l); };
    auto p = make(s, "2/4s", unique_scope(), clock, &hooks);
    for (int i = 0; i < 3; ++i) REQUIRE(p->acquire().ok());
    CHECK(waits == std::vector<Duration>{2040ms, 2040ms});
    CHECK(lines.size() >= 3);
    auto st = p->status();
    REQUIRE(st.ok());
    CHECK((*st)["backend"] == (s.backend.rfind("redis", 0) == 0 ? "redis" : s.backend));
    CHECK((*st)["limits"][0]["limit"] == 2);
    CHECK((*st)["limits"][0]["window_seconds"] == 4.0);
    CHECK((*st)["limits"][0]["grants_in_window"] == 2);
    CHECK((*st)["next_free_in_ms"] == 2040);
    REQUIRE(p->reset().ok());
    CHECK(p->time_until_free() == 0ms);
    CHECK(*p->acquire() == 0ms);
}

// After idling longer than the window, the next grant is immediate.
inline void idle_frees_the_window(const Setup& s) {
    auto clock = std::make_shared<FakeClock>();
    auto p = make(s, "3/1m", unique_scope(), clock);
    for (int i = 0; i < 3; ++i) REQUIRE(p->acquire().ok());
    clock->advance(2min);
    CHECK(*p->acquire() == 0ms);
}

inline void run_all(const Setup& s) {
    SUBCASE("spacing at the full limit") { spacing_at_full_limit(s); }
    SUBCASE("several windows") { multi_window(s); }
    SUBCASE("a penalty pauses everyone") { penalty_pauses_everyone(s); }
    SUBCASE("FIFO fairness") { fifo_fairness(s); }
    SUBCASE("shared budget") { shared_budget(s); }
    SUBCASE("on_wait, log, status, reset") { visibility_status_reset(s); }
    SUBCASE("idle frees the window") { idle_frees_the_window(s); }
}

}  // namespace ccai::test::pacer_contract
