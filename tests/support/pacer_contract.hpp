#pragma once
// The pacer's contract, checked identically for every backend: the unit tests run it on memory and
// file, tests/integration/pacer/pacer_redis_test.cpp on a real redis-server. Time is a FakeClock throughout.
#include "support/pacer_contract_line.hpp"
#include "support/pacer_contract_support.hpp"
#include "support/pacer_contract_waits.hpp"

namespace ccai::test::pacer_contract {

// 60/1m at full demand over six windows (margin 1 %: interval 60.6 s / 60 = 1.01 s, burst 6): six grants at
// once, then one per interval; where the first window fills, its first grant must leave it (a pause of 5
// intervals), and that grant uses up the burst: every later window is one grant per interval, never a burst.
// A bulk caller, which reserves each slot only when it comes, gets the very same grants.
inline void full_demand(const Setup& s, Priority priority) {
    auto clock = std::make_shared<FakeClock>();
    auto p = make(s, "60/1m", unique_scope(), clock);
    const auto start = clock->now();
    const auto g = acquire_n(*p, *clock, 360, priority);
    constexpr auto T = 1010ms;
    for (size_t i = 0; i < g.size(); ++i) {
        CAPTURE(i);
        const long k = static_cast<long>(i);
        CHECK(g[i] - start == (i < 6 ? 0ms : i < 60 ? (k - 5) * T : k * T));
    }
    CHECK(g[60] - g[59] == 6 * T);  // the only pause: (burst - 1) intervals more than the interval
    for (size_t i = 61; i < g.size(); ++i) CHECK(g[i] - g[i - 1] == T);
    CHECK(max_in_any_window(g, 60600ms) == 60);  // the hard bound, margin included, is reached exactly
    for (size_t i = 60; i < g.size(); ++i) CHECK(g[i] - g[i - 60] >= 60600ms);
    // Throughput: over five windows, at least 98 % of the limit.
    const auto in_five = std::count_if(g.begin(), g.end(), [&](TimePoint t) { return t - start < 5min; });
    CHECK(in_five >= 294);
}

// From idle, `burst` calls go out at once, then one per interval; the allowance refills by one call per
// interval of idleness (20/2s: interval 101 ms, burst 2).
inline void burst_refills_with_idleness(const Setup& s) {
    auto clock = std::make_shared<FakeClock>();
    auto p = make(s, "20/2s", unique_scope(), clock);
    const auto start = clock->now();
    const auto g = acquire_n(*p, *clock, 5);
    CHECK(g == std::vector<TimePoint>{start, start, start + 101ms, start + 202ms, start + 303ms});
    clock->advance(101ms);  // one interval idle: one call at once, the next an interval later
    CHECK(*p->acquire() == 0ms);
    CHECK(*p->acquire() == 101ms);
    clock->advance(5s);  // long idle: the whole burst again, no more
    CHECK(*p->acquire() == 0ms);
    CHECK(*p->acquire() == 0ms);
    CHECK(*p->acquire() == 101ms);
}

// burst 1: even spacing from the first call.
inline void burst_one_spaces_evenly(const Setup& s) {
    auto clock = std::make_shared<FakeClock>();
    PacerOptions o;
    o.margin = 0.01;
    o.burst = 1;
    auto p = make(s, "20/2s", unique_scope(), clock, &o);
    const auto g = acquire_n(*p, *clock, 45);
    for (size_t i = 1; i < g.size(); ++i) CHECK(g[i] - g[i - 1] == 101ms);
}

// Several windows: the interval follows the tightest average rate (10.1 s / 8), the burst the smallest
// limit (a tenth of 5, rounded up: 1); each window's bound holds at every grant.
inline void multi_window(const Setup& s) {
    auto clock = std::make_shared<FakeClock>();
    auto p = make(s, "5/1s,8/10s", unique_scope(), clock);
    const auto start = clock->now();
    const auto g = acquire_n(*p, *clock, 30);
    for (size_t i = 0; i < g.size(); ++i) CHECK(g[i] - start == static_cast<long>(i) * 1262500us);
    CHECK(max_in_any_window(g, 1010ms) <= 5);
    CHECK(max_in_any_window(g, 10100ms) <= 8);
    // 60/1m,1800/1h: interval 3636 s / 1800 = 2.02 s, burst min(6, 180) = 6.
    auto q = make(s, "60/1m,1800/1h", unique_scope(), clock);
    const auto from = clock->now();
    const auto h = acquire_n(*q, *clock, 10);
    for (size_t i = 0; i < h.size(); ++i) CHECK(h[i] - from == (i < 6 ? 0ms : static_cast<long>(i - 5) * 2020ms));
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
    CHECK(min_gap(g) >= 505ms);  // burst 1: the interval, 5.05 s / 10, between any two grants
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
    for (int i = 0; i < 12; ++i) CHECK(*(i % 2 ? b : a)->acquire() == i * 101ms);  // burst 1: the interval
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
    // Burst 2, then the interval; the 21st waits for the 1st to leave the window, after that the interval.
    for (size_t i = 0; i < g.size(); ++i) {
        const long k = static_cast<long>(i);
        CHECK(g[i] - start == (i < 2 ? 0ms : i < 20 ? (k - 1) * 101ms : k * 101ms));
    }
}

// on_wait fires only for waits over a second; log sees every grant; status and reset behave.
// 2/4s with burst 2: two at once, the third when the first two leave the 4.04 s window.
inline void visibility_status_reset(const Setup& s) {
    auto clock = std::make_shared<FakeClock>();
    std::vector<Duration> waits;
    std::vector<std::string> lines;
    PacerOptions hooks;
    hooks.on_wait = [&](Duration d) { waits.push_back(d); };
    hooks.log = [&](const std::string& l) { lines.push_back(l); };
    hooks.margin = 0.01;
    hooks.burst = 2;
    auto p = make(s, "2/4s", unique_scope(), clock, &hooks);
    for (int i = 0; i < 3; ++i) REQUIRE(p->acquire().ok());  // at 0, 0, 4.04 s (the window)
    CHECK(waits == std::vector<Duration>{4040ms});
    CHECK(lines.size() >= 3);
    auto st = p->status();
    REQUIRE(st.ok());
    CHECK((*st)["backend"] == (s.backend.rfind("redis", 0) == 0 ? "redis" : s.backend));
    CHECK((*st)["limits"][0]["limit"] == 2);
    CHECK((*st)["limits"][0]["window_seconds"] == 4.0);
    CHECK((*st)["limits"][0]["grants_in_window"] == 1);  // the two at 0 left the window as the third went
    CHECK((*st)["burst"] == 2);
    CHECK((*st)["interval_ms"] == 2020.0);
    CHECK((*st)["next_free_in_ms"] == 2020);  // the window held the third back: no burst, one interval
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
// the completion time, longer by kClockSlew (20/10s keeps the interval at the 1 s window's 1.01 s).
inline void answered_credit_with_two_windows(const Setup& s) {
    auto clock = std::make_shared<FakeClock>();
    auto p = make(s, "1/1s,20/10s", unique_scope(), clock);
    REQUIRE(p->acquire().ok());  // slot at 0
    clock->advance(100ms);
    p->complete(true);  // recorded at 100 ms - 1 s x (1 % - 0.05 %) = 90.5 ms
    CHECK(*p->acquire() == 1000500us);  // 1/1s: 90.5 ms + 1.01 s, i.e. 100 ms + 1.0005 s
}

// The interval runs from the previous grant, not from its credited time in the window: a caller that
// sends one request at a time is spaced like any other.
inline void interval_runs_from_the_grant(const Setup& s) {
    auto clock = std::make_shared<FakeClock>();
    auto p = make(s, "5/1m", unique_scope(), clock);  // interval 60.6 s / 5 = 12.12 s, burst 1
    REQUIRE(p->acquire().ok());
    clock->advance(100ms);
    p->complete(true);  // in the window at 100 ms - 570 ms
    CHECK(*p->acquire() == 12020ms);  // at 12.12 s, one interval after the first grant
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

// A penalty is cut to max_penalty: one answer cannot stall the account for a day.
inline void penalty_is_capped(const Setup& s) {
    auto clock = std::make_shared<FakeClock>();
    PacerOptions o;
    o.margin = 0.01;
    o.max_penalty = 30min;
    auto p = make(s, "60/1m", unique_scope(), clock, &o);
    p->penalize(24h);
    CHECK(p->time_until_free() == 30min);
    p->penalize(10min);  // a shorter one never shortens a longer one
    CHECK(p->time_until_free() == 30min);
}

inline void run_all(const Setup& s) {
    SUBCASE("full demand: a burst, then one grant per interval, over six windows") { full_demand(s, Priority::interactive); }
    SUBCASE("full demand of bulk calls: the same grants") { full_demand(s, Priority::bulk); }
    SUBCASE("the burst refills with idleness") { burst_refills_with_idleness(s); }
    SUBCASE("burst 1 spaces evenly") { burst_one_spaces_evenly(s); }
    SUBCASE("several windows") { multi_window(s); }
    SUBCASE("irregular demand never exceeds a window") { irregular_demand(s); }
    SUBCASE("a penalty pauses everyone") { penalty_pauses_everyone(s); }
    SUBCASE("FIFO fairness") { fifo_fairness(s); }
    SUBCASE("shared budget") { shared_budget(s); }
    SUBCASE("on_wait, log, status, reset") { visibility_status_reset(s); }
    SUBCASE("idle frees the window") { idle_frees_the_window(s); }
    SUBCASE("a late completion pushes the next grant") { late_completion_pushes_the_next(s); }
    SUBCASE("an answer credits back the shortest window's margin") { answered_credit_with_two_windows(s); }
    SUBCASE("the interval runs from the grant") { interval_runs_from_the_grant(s); }
    SUBCASE("the slot is confirmed when it comes") { confirm_at_the_slot(s); }
    SUBCASE("a penalty during a wait delays it") { penalty_during_a_wait(s); }
    SUBCASE("complete after reset") { complete_after_reset(s); }
    SUBCASE("a penalty is capped") { penalty_is_capped(s); }
    SUBCASE("a slot past the budget fails at once") { beyond_the_budget_fails_at_once(s); }
    SUBCASE("the budget runs out while waiting") { budget_runs_out_while_waiting(s); }
    SUBCASE("a bulk call defers its reservation") { bulk_defers_its_reservation(s); }
    SUBCASE("an interruption releases the slot") { interruption_releases_the_slot(s); }
    SUBCASE("a cancelled latest reservation gives its time back") { cancelled_latest_gives_its_time_back(s); }
    SUBCASE("a cancelled middle reservation keeps the spacing") { cancelled_middle_keeps_the_spacing(s); }
    SUBCASE("a cancelled grant gives its time back") { cancelled_grant_gives_its_time_back(s); }
    SUBCASE("a cancelled grant before a reservation keeps the spacing") {
        cancelled_grant_before_a_reservation_keeps_the_spacing(s);
    }
    run_line(s);
}

}  // namespace ccai::test::pacer_contract
