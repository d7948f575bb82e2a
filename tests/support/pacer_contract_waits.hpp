#pragma once
// The pacer's contract, part two: bounded waits, bulk calls' deferred reservations, interruptions.
#include "support/pacer_contract_support.hpp"
#include "support/sim_clock.hpp"

namespace ccai::test::pacer_contract {

// A slot past the call's budget fails at once: nothing reserved, nothing slept, and the error says when
// the next slot is and why.
inline void beyond_the_budget_fails_at_once(const Setup& s) {
    auto clock = std::make_shared<FakeClock>();
    auto p = make(s, "1/1m", unique_scope(), clock);
    p->penalize(10min);
    auto r = p->acquire_within(5min);
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().kind == ErrorKind::rate_limited);
    CHECK_FALSE(r.error().retryable);
    CHECK_FALSE(r.error().maybe_reached_server);
    CHECK(r.error().retry_after == std::chrono::milliseconds(600000));
    CHECK(r.error().message.find("in 600.0s") != std::string::npos);
    CHECK(r.error().message.find("after a rate-limit rejection") != std::string::npos);
    CHECK(clock->slept() == 0ms);
    CHECK(grants_now(*p) == 0);
    CHECK(*p->acquire_within(10min) == 10min);  // within the budget: it waits
    auto full = p->acquire_within(2min);         // one interval (60.6 s) later: within
    REQUIRE(full.ok());
    auto late = p->acquire_within(30s);
    REQUIRE_FALSE(late.ok());
    CHECK(late.error().message.find("in 60.6s") != std::string::npos);
    CHECK(late.error().message.find("windows") != std::string::npos);
}

// A penalty recorded while a call waits pushes its slot past the budget: it gives up when it checks,
// and its reservation is released for the others.
inline void budget_runs_out_while_waiting(const Setup& s) {
    const auto scope = unique_scope();
    std::unique_ptr<Pacer> a;
    auto clock = std::make_shared<InterruptedClock>(300ms, [&] { a->penalize(1min); });
    a = make(s, "2/1s", scope, clock);  // interval 505 ms, burst 1
    auto b = make(s, "2/1s", scope, clock);
    REQUIRE(a->acquire().ok());
    auto w = b->acquire_within(10s);  // reserved at 505 ms; the penalty then holds it until 60.3 s
    REQUIRE_FALSE(w.ok());
    CHECK(w.error().kind == ErrorKind::rate_limited);
    CHECK(w.error().message.find("rate-limit rejection") != std::string::npos);
    CHECK(clock->now() == clock->start_ + 505ms);
    CHECK(grants_now(*a) == 1);  // a's own; b's is gone
}

// A bulk call whose slot is not free now reserves nothing yet: while it waits, the slot is free for a
// person's call. It asks again when the slot comes, and then takes it. Below the bulk share, a bulk call
// reserves like an interactive one.
inline void bulk_defers_its_reservation(const Setup& s) {
    for (const auto priority : {Priority::interactive, Priority::bulk}) {
        for (const double share : {0.0, 0.1}) {
            CAPTURE(to_string(priority));
            CAPTURE(share);
            const auto scope = unique_scope();
            std::unique_ptr<Pacer> other;
            int held_while_waiting = -1;
            auto clock = std::make_shared<InterruptedClock>(2s, [&] { held_while_waiting = grants_now(*other); });
            auto o = with_share(share);
            auto p = make(s, "10/10s", scope, clock, &o);  // interval 10.1 s / 10, burst 1; share 0.1: one call
            other = make(s, "10/10s", scope, clock, &o);
            p->penalize(10s);
            auto w = p->acquire_within(Duration::max(), priority);
            REQUIRE(w.ok());
            CHECK(*w == 10s);
            CHECK(held_while_waiting == (priority == Priority::bulk && share == 0 ? 0 : 1));
            CHECK(grants_now(*other) == 1);
        }
    }
}

// An interruption ends a wait at once: the call fails as interrupted and its reservation goes back.
inline void interruption_releases_the_slot(const Setup& s) {
    for (const auto priority : {Priority::interactive, Priority::bulk}) {
        CAPTURE(to_string(priority));
        const auto scope = unique_scope();
        Interruption ctrl_c;
        auto clock = std::make_shared<InterruptedClock>(2s, [&] { ctrl_c.requested = true; });
        PacerOptions custom = options(s, "10/10s", scope);
        custom.interruption = &ctrl_c;
        auto p = make(s, "10/10s", scope, clock, &custom);
        auto other = make(s, "10/10s", scope, clock);
        other->penalize(10s);
        auto w = p->acquire_within(Duration::max(), priority);
        REQUIRE_FALSE(w.ok());
        CHECK(w.error().kind == ErrorKind::interrupted);
        CHECK_FALSE(w.error().maybe_reached_server);
        CHECK(clock->now() - clock->start_ <= 2s + 50ms);  // noticed within one slice
        CHECK(ctrl_c.waiting == 0);
        CHECK(grants_now(*other) == 0);  // nothing left reserved
        REQUIRE(other->acquire_within(Duration::max(), priority).ok());  // the account is not stalled
    }
}

// Callers in virtual time on one scope (10/10s: interval 1.01 s, burst 1). Caller i starts at `starts[i]`
// and asks for a slot; `cancelled` (when >= 0) waits with an interruption that is requested at 500 ms. The
// time each caller was granted its slot (TimePoint{} when it was not).
inline std::vector<TimePoint> grants_with_a_cancel(const Setup& s, const std::vector<Duration>& starts, int cancelled,
                                                   TimePoint& start) {
    auto clock = std::make_shared<SimClock>();
    start = clock->now();
    const auto scope = unique_scope();
    Interruption ctrl_c;
    std::vector<std::unique_ptr<Pacer>> pacers;
    for (size_t i = 0; i < starts.size(); ++i) {
        PacerOptions o = options(s, "10/10s", scope);
        o.interruption = static_cast<int>(i) == cancelled ? &ctrl_c : nullptr;
        pacers.push_back(make(s, "10/10s", scope, clock, &o));
    }
    std::vector<TimePoint> granted(starts.size());
    std::vector<std::function<void()>> callers;
    for (size_t i = 0; i < starts.size(); ++i)
        callers.push_back([&, i] {
            clock->sleep_for(starts[i]);
            granted[i] = pacers[i]->acquire().ok() ? clock->now() : TimePoint{};
        });
    callers.push_back([&] {
        clock->sleep_for(500ms);
        ctrl_c.requested = true;
    });
    clock->run(callers);
    return granted;
}

// A cancelled wait gives its spacing back when it was the latest reservation: the next call gets its
// time, not one interval later.
inline void cancelled_latest_gives_its_time_back(const Setup& s) {
    TimePoint start;
    // A goes at 0; B reserves 1.01 s and is cancelled at 0.5 s; C asks at 0.6 s.
    const auto g = grants_with_a_cancel(s, {0ms, 1ms, 600ms}, 1, start);
    CHECK(g[0] - start == 0ms);
    CHECK(g[1] == TimePoint{});
    CHECK(g[2] - start == 1010ms);  // B's time (was 2.02 s: B's spacing stayed taken)
}

// A cancelled reservation with later ones behind it leaves the spacing as it is: the later calls keep
// their slots, and no call comes closer than the interval to another.
inline void cancelled_middle_keeps_the_spacing(const Setup& s) {
    TimePoint start;
    // A at 0; B reserves 1.01 s (cancelled at 0.5 s); C reserves 2.02 s; D asks at 0.6 s.
    const auto g = grants_with_a_cancel(s, {0ms, 1ms, 2ms, 600ms}, 1, start);
    CHECK(g[1] == TimePoint{});
    CHECK(g[0] - start == 0ms);
    CHECK(g[2] - start == 2020ms);
    CHECK(g[3] - start == 3030ms);
    std::vector<TimePoint> sent{g[0], g[2], g[3]};
    std::sort(sent.begin(), sent.end());
    CHECK(min_gap(sent) >= 1010ms);
}

// A slot granted and then not used (cancel(): a cache answered meanwhile) goes back with its spacing: the
// next call gets its time, not one interval later.
inline void cancelled_grant_gives_its_time_back(const Setup& s) {
    auto clock = std::make_shared<FakeClock>();
    auto p = make(s, "10/10s", unique_scope(), clock);  // interval 1.01 s, burst 1
    REQUIRE(*p->acquire() == 0ms);
    p->complete(true);
    REQUIRE(*p->acquire() == 1010ms);
    p->cancel();
    CHECK(grants_now(*p) == 1);
    CHECK(*p->acquire() == 0ms);  // at 1.01 s, the cancelled one's time (was 2.02 s)
    p->cancel();
    p->cancel();  // nothing granted any more: nothing to give back
    CHECK(grants_now(*p) == 1);
}

// A granted slot cancelled with a later reservation behind it keeps the spacing: the later one keeps its
// slot and the next call comes an interval after it.
inline void cancelled_grant_before_a_reservation_keeps_the_spacing(const Setup& s) {
    auto clock = std::make_shared<FrozenClock>();  // each acquire reports its reserved wait
    const auto scope = unique_scope();
    auto a = make(s, "10/10s", scope, clock);
    auto b = make(s, "10/10s", scope, clock);
    auto c = make(s, "10/10s", scope, clock);
    CHECK(*a->acquire() == 0ms);
    CHECK(*b->acquire() == 1010ms);
    CHECK(*c->acquire() == 2020ms);
    b->cancel();
    CHECK(grants_now(*a) == 2);
    CHECK(*a->acquire() == 3030ms);  // not 1.01 s or 2.02 s: no two calls closer than the interval
}

}  // namespace ccai::test::pacer_contract
