#pragma once
// The pacer's contract, checked identically for every backend: the unit tests run it on memory and
// file, tests/integration/pacer_redis_test.cpp on a real redis-server. Time is a FakeClock throughout.
#include <doctest/doctest.h>

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
    std::string backend;  ///< "memory", "file", "redis://..."
    std::string dir;      ///< file backend's directory
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
    o.dir = s.dir;
    o.use_client_clock = true;  // redis: follow the fake clock instead of the server's TIME
    o.margin = 0.01;            // the numbers below; the defaults are checked in pacer_spec_test.cpp
    o.min_gap_fraction = 0.1;
    return o;
}

inline std::unique_ptr<Pacer> make(const Setup& s, const std::string& limits, const std::string& scope,
                                   std::shared_ptr<Clock> clock, PacerOptions* customize = nullptr) {
    auto o = options(s, limits, scope);
    if (customize) {
        o.on_wait = customize->on_wait;
        o.log = customize->log;
        o.margin = customize->margin;
        o.min_gap_fraction = customize->min_gap_fraction;
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

inline Duration min_gap(const std::vector<TimePoint>& g) {
    Duration m = Duration::max();
    for (size_t i = 1; i < g.size(); ++i) m = std::min(m, g[i] - g[i - 1]);
    return m;
}

struct Win {
    int limit;
    Duration window;  ///< effective (margin included)
};

/// The earliest schedule the contract allows at full demand from `start`: each grant `gap` after the
/// previous one, and the limit-th previous grant of every window at least a window earlier.
inline std::vector<TimePoint> earliest(int n, TimePoint start, Duration gap, const std::vector<Win>& ws) {
    std::vector<TimePoint> g;
    for (int i = 0; i < n; ++i) {
        TimePoint t = i ? g.back() + gap : start;
        for (const auto& w : ws)
            if (i >= w.limit) t = std::max(t, g[static_cast<size_t>(i - w.limit)] + w.window);
        g.push_back(t);
    }
    return g;
}

inline std::vector<TimePoint> acquire_n(Pacer& p, FakeClock& clock, int n) {
    std::vector<TimePoint> grants;
    for (int i = 0; i < n; ++i) {
        REQUIRE(p.acquire().ok());
        grants.push_back(clock.now());
    }
    return grants;
}

// 60/1m at full demand (margin 1 %, gap 0.1 x 1.01 s): the first 60 grants 101 ms apart, the 61st when
// the first leaves the 60.6 s window, and so on; no rolling 60.6 s ever holds more than 60.
inline void full_demand(const Setup& s) {
    auto clock = std::make_shared<FakeClock>();
    auto p = make(s, "60/1m", unique_scope(), clock);
    const auto start = clock->now();
    const auto g = acquire_n(*p, *clock, 150);
    for (size_t i = 0; i < g.size(); ++i) {
        CAPTURE(i);
        CHECK(g[i] == start + static_cast<long>(i / 60) * 60600ms + static_cast<long>(i % 60) * 101ms);
    }
    CHECK(min_gap(g) == 101ms);                  // a steady stream, never two grants at once
    CHECK(max_in_any_window(g, 60600ms) == 60);  // the hard bound, margin included, is reached exactly
    for (size_t i = 60; i < g.size(); ++i) CHECK(g[i] - g[i - 60] >= 60600ms);
}

// min_gap_fraction 1 is the even spacing of the windows' average rate.
inline void even_spacing_option(const Setup& s) {
    auto clock = std::make_shared<FakeClock>();
    PacerOptions o;
    o.margin = 0.01;
    o.min_gap_fraction = 1.0;
    auto p = make(s, "20/2s", unique_scope(), clock, &o);
    const auto g = acquire_n(*p, *clock, 45);
    for (size_t i = 1; i < g.size(); ++i) CHECK(g[i] - g[i - 1] == 101ms);
}

// Several windows: the gap follows the tightest average rate (10.1 s / 8 x 0.1); each window's bound
// holds at every grant, and grants come as early as the two windows allow.
inline void multi_window(const Setup& s) {
    auto clock = std::make_shared<FakeClock>();
    auto p = make(s, "5/1s,8/10s", unique_scope(), clock);
    const auto start = clock->now();
    const auto g = acquire_n(*p, *clock, 30);
    CHECK(min_gap(g) >= 126250us);
    CHECK(max_in_any_window(g, 1010ms) <= 5);
    CHECK(max_in_any_window(g, 10100ms) <= 8);
    CHECK(g == earliest(30, start, 126250us, {{5, 1010ms}, {8, 10100ms}}));
    CHECK(g[4] == start + 505ms);     // 5 at the gap,
    CHECK(g[5] == start + 1010ms);    // then the 1 s window: the 6th waits for the 1st to leave it,
    CHECK(g[8] == start + 10100ms);   // and the 9th for the 10 s window
    CHECK(g[29] == start + 3 * 10100ms + 1010ms);  // 29 = 3 x 8 + 5: like the 6th
}

// Arrivals at irregular times (the clock moves between calls): the bound holds at every grant.
inline void irregular_demand(const Setup& s) {
    auto clock = std::make_shared<FakeClock>();
    auto p = make(s, "4/1s,10/5s", unique_scope(), clock);
    std::vector<TimePoint> g;
    unsigned x = 12345;
    for (int i = 0; i < 80; ++i) {
        x = x * 1103515245u + 12345u;
        clock->advance(std::chrono::milliseconds((x >> 16) % 900));  // 0-0.9 s of idle before each call
        REQUIRE(p->acquire().ok());
        g.push_back(clock->now());
        CHECK(max_in_any_window(g, 1010ms) <= 4);
        CHECK(max_in_any_window(g, 5050ms) <= 10);
    }
    CHECK(min_gap(g) >= 50500us);  // 5.05 s / 10 x 0.1
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
    for (int i = 0; i < 10; ++i) CHECK(*(i % 2 ? b : a)->acquire() == i * 10100us);
    CHECK(*b->acquire() == 1010ms);  // the window is full: the 11th waits for the 1st to leave it
    CHECK(*a->acquire() == 1020100us);
}

// Two pacers on the same scope share one budget: interleaved grants stay spaced.
inline void shared_budget(const Setup& s) {
    auto clock = std::make_shared<FakeClock>();
    const auto scope = unique_scope();
    const auto start = clock->now();
    auto a = make(s, "20/2s", scope, clock);
    auto b = make(s, "20/2s", scope, clock);
    std::vector<TimePoint> g;
    for (int i = 0; i < 50; ++i) {
        REQUIRE((i % 2 ? b : a)->acquire().ok());
        g.push_back(clock->now());
    }
    CHECK(max_in_any_window(g, 2020ms) <= 20);
    CHECK(min_gap(g) == 10100us);
    CHECK(g == earliest(50, start, 10100us, {{20, 2020ms}}));
}

// on_wait fires only for waits over a second; log sees every grant; status and reset behave.
inline void visibility_status_reset(const Setup& s) {
    auto clock = std::make_shared<FakeClock>();
    std::vector<Duration> waits;
    std::vector<std::string> lines;
    PacerOptions hooks;
    hooks.on_wait = [&](Duration d) { waits.push_back(d); };
    hooks.log = [&](const std::string& l) { lines.push_back(l); };
    hooks.margin = 0.01;
    hooks.min_gap_fraction = 0.1;
    auto p = make(s, "2/4s", unique_scope(), clock, &hooks);
    for (int i = 0; i < 3; ++i) REQUIRE(p->acquire().ok());  // at 0, 0.202 s (the gap), 4.04 s (the window)
    CHECK(waits == std::vector<Duration>{3838ms});
    CHECK(lines.size() >= 3);
    auto st = p->status();
    REQUIRE(st.ok());
    CHECK((*st)["backend"] == (s.backend.rfind("redis", 0) == 0 ? "redis" : s.backend));
    CHECK((*st)["limits"][0]["limit"] == 2);
    CHECK((*st)["limits"][0]["window_seconds"] == 4.0);
    CHECK((*st)["limits"][0]["grants_in_window"] == 2);
    CHECK((*st)["min_gap_ms"] == 202.0);
    CHECK((*st)["next_free_in_ms"] == 202);  // the 2nd grant leaves the window at 4.242 s
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

// A request that took long holds its place in the window until it finished, not from its slot: the
// server may have counted it as late as that. Answered, its window runs from then without the margin
// (only kClockSlew); failed without an answer, it keeps the margin.
inline void late_completion_pushes_the_next(const Setup& s) {
    for (const bool answered : {true, false}) {
        CAPTURE(answered);
        auto clock = std::make_shared<FakeClock>();
        auto p = make(s, "1/1s", unique_scope(), clock);
        REQUIRE(p->acquire().ok());  // slot at 0
        clock->advance(300ms);        // the request takes 300 ms
        p->complete(answered);
        // after it finished: 1 s x (1 + 0.05 %) answered, 1 s x (1 + 1 %) not (after its slot: 710 ms)
        CHECK(*p->acquire() == (answered ? 1000500us : 1010000us));
    }
}

// With several windows an answer credits back the shortest window's margin: the shortest window runs from
// the completion time, longer by kClockSlew; a longer one also keeps margin x its extra length.
inline void answered_credit_with_two_windows(const Setup& s) {
    auto clock = std::make_shared<FakeClock>();
    auto p = make(s, "1/1s,2/10s", unique_scope(), clock);
    REQUIRE(p->acquire().ok());  // slot at 0
    clock->advance(100ms);
    p->complete(true);  // recorded at 100 ms - 1 s x (1 % - 0.05 %) = 90.5 ms
    CHECK(*p->acquire() == 1000500us);  // 1/1s: 90.5 ms + 1.01 s, i.e. 100 ms + 1.0005 s
    clock->advance(50ms);
    p->complete(true);
    // 2/10s: the first grant leaves the 10.1 s window at 90.5 ms + 10.1 s = 100 ms + 10 s + 1 % x 9 s + 0.5 ms
    CHECK(*p->acquire() == 10190500us - 1150500us);
}

// The minimum gap runs from when the last request was answered, not from its credited time in the window:
// a caller that sends one request at a time is spaced like any other.
inline void gap_runs_from_the_answer(const Setup& s) {
    auto clock = std::make_shared<FakeClock>();
    PacerOptions even;
    even.margin = 0.01;
    even.min_gap_fraction = 1.0;  // even spacing: 60.6 s / 5 = 12.12 s
    auto p = make(s, "5/1m", unique_scope(), clock, &even);
    REQUIRE(p->acquire().ok());
    clock->advance(100ms);
    p->complete(true);  // in the window at 100 ms - 570 ms
    CHECK(*p->acquire() == 12120ms);  // from the answer at 100 ms (from the credited time: 11.55 s)
}

// A reservation made while an earlier request was still in flight is checked again when its slot comes:
// the earlier one finished late, so the slot moves.
inline void confirm_at_the_slot(const Setup& s) {
    const auto scope = unique_scope();
    std::unique_ptr<Pacer> a;
    auto clock = std::make_shared<InterruptedClock>(300ms, [&] { a->complete(true); });
    a = make(s, "1/1s", scope, clock);
    auto b = make(s, "1/1s", scope, clock);
    REQUIRE(a->acquire().ok());  // a's request goes out at 0 and finishes at 300 ms, while b waits
    auto w = b->acquire();       // reserved at 1.01 s, confirmed at 0.3 s + 1 s x (1 + 0.05 %)
    REQUIRE(w.ok());
    CHECK(*w == 1300500us);
    CHECK(clock->now() == clock->start_ + 1300500us);
}

// A rejection recorded while a client waits for its slot delays it too.
inline void penalty_during_a_wait(const Setup& s) {
    const auto scope = unique_scope();
    std::unique_ptr<Pacer> a;
    auto clock = std::make_shared<InterruptedClock>(300ms, [&] { a->penalize(2s); });
    a = make(s, "1/1s", scope, clock);
    auto b = make(s, "1/1s", scope, clock);
    REQUIRE(a->acquire().ok());
    auto w = b->acquire();
    REQUIRE(w.ok());
    CHECK(*w == 2300ms);
}

// complete() after a reset still records the request; complete() without a grant does nothing.
inline void complete_after_reset(const Setup& s) {
    auto clock = std::make_shared<FakeClock>();
    auto p = make(s, "5/1m", unique_scope(), clock);
    p->complete(true);
    REQUIRE(p->acquire().ok());
    REQUIRE(p->reset().ok());
    p->complete(true);
    auto st = p->status();
    REQUIRE(st.ok());
    CHECK((*st)["limits"][0]["grants_in_window"] == 1);
}

inline void run_all(const Setup& s) {
    SUBCASE("full demand: a run of limit grants at the gap, then the window") { full_demand(s); }
    SUBCASE("min_gap_fraction 1 spaces evenly") { even_spacing_option(s); }
    SUBCASE("several windows") { multi_window(s); }
    SUBCASE("irregular demand never exceeds a window") { irregular_demand(s); }
    SUBCASE("a penalty pauses everyone") { penalty_pauses_everyone(s); }
    SUBCASE("FIFO fairness") { fifo_fairness(s); }
    SUBCASE("shared budget") { shared_budget(s); }
    SUBCASE("on_wait, log, status, reset") { visibility_status_reset(s); }
    SUBCASE("idle frees the window") { idle_frees_the_window(s); }
    SUBCASE("a late completion pushes the next grant") { late_completion_pushes_the_next(s); }
    SUBCASE("an answer credits back the shortest window's margin") { answered_credit_with_two_windows(s); }
    SUBCASE("the minimum gap runs from the answer") { gap_runs_from_the_answer(s); }
    SUBCASE("the slot is confirmed when it comes") { confirm_at_the_slot(s); }
    SUBCASE("a penalty during a wait delays it") { penalty_during_a_wait(s); }
    SUBCASE("complete after reset") { complete_after_reset(s); }
}

}  // namespace ccai::test::pacer_contract
