#pragma once
// The pacer's contract, part two: bounded waits, bulk calls' deferred reservations, interruptions.
#include "support/pacer_contract_support.hpp"

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

}  // namespace ccai::test::pacer_contract
