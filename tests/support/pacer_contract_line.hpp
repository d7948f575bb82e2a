#pragma once
// The pacer's contract, part three: the line of waiting calls (first come, first served within a class;
// a dead or vanished caller never blocks it) and the bulk calls' share of each window.
#include <sys/wait.h>
#include <unistd.h>

#include "pacer/internal.hpp"
#include "support/pacer_contract_support.hpp"
#include "support/sim_clock.hpp"

namespace ccai::test::pacer_contract {

// Six bulk calls arrive a millisecond apart while the account pauses until 10 s (10/10s: interval 1.01 s,
// burst 1); a person's call comes at 10.5 s. The bulk calls go out in the order they came, one interval
// apart, though each tie of the simulated clock lets the latest arrival reach the state first; the person
// goes ahead of those still waiting, one interval after the slot in use.
inline void first_come_first_served(const Setup& s) {
    auto clock = std::make_shared<SimClock>();
    const auto scope = unique_scope();
    const auto start = clock->now();
    auto o = with_share(0);
    make(s, "10/10s", scope, clock, &o)->penalize(10s);
    std::vector<std::unique_ptr<Pacer>> pacers;
    std::vector<TimePoint> granted(7);
    std::vector<std::function<void()>> callers;
    for (int i = 0; i < 7; ++i) {
        pacers.push_back(make(s, "10/10s", scope, clock, &o));
        callers.push_back([&, i] {
            const bool person = i == 6;
            clock->sleep_for(person ? 10500ms : std::chrono::milliseconds(i));
            auto r = pacers[static_cast<size_t>(i)]->acquire_within(Duration::max(), person ? Priority::interactive : Priority::bulk);
            granted[static_cast<size_t>(i)] = r.ok() ? clock->now() : TimePoint{};
        });
    }
    clock->run(callers);
    CHECK(granted[0] - start == 10s);
    CHECK(granted[6] - start == 11010ms);  // the person: the slot after the one in use
    for (size_t i = 1; i < 6; ++i) {
        CAPTURE(i);
        CHECK(granted[i] - start == 10s + static_cast<long>(i + 1) * 1010ms);
    }
}

// A waiting call whose process is gone (no such pid, or the pid now names another process) blocks nobody:
// the next call takes the slot when it comes. (On redis, the owner is asked by a client on its host.)
inline void dead_owner_does_not_block(const Setup& s) {
    const pid_t child = ::fork();
    if (child == 0) ::_exit(0);
    REQUIRE(child > 0);
    ::waitpid(child, nullptr, 0);
    const auto self = detail::current_owner();
    for (const auto dead : {detail::Owner{child, self.started}, detail::Owner{self.pid, self.started + 1}}) {
        CAPTURE(dead.pid);
        const auto scope = unique_scope();
        std::unique_ptr<Pacer> b;
        Result<Duration> b_waited = Duration(0);
        auto clock = std::make_shared<InterruptedClock>(2s, [&] {
            detail::set_owner_for_testing(std::nullopt);
            b_waited = b->acquire_within(Duration::max(), Priority::bulk);
        });
        auto o = with_share(0);
        auto a = make(s, "10/10s", scope, clock, &o);
        b = make(s, "10/10s", scope, clock, &o);
        a->penalize(10s);
        detail::set_owner_for_testing(dead);
        const auto a_waited = a->acquire_within(Duration::max(), Priority::bulk);
        detail::set_owner_for_testing(std::nullopt);
        CHECK(a_waited.ok());
        REQUIRE(b_waited.ok());
        CHECK(*b_waited == 8s);  // from 2 s to the end of the pause: a's ticket was no obstacle
    }
}

// A waiting call that does not come back when its turn comes (a stopped process, a host gone, a call past
// its budget) blocks the line only until its ticket expires: two intervals after its turn.
inline void expired_ticket_does_not_block(const Setup& s) {
    const auto scope = unique_scope();
    std::unique_ptr<Pacer> b;
    Result<Duration> b_waited = Duration(0);
    // a stays asleep in its wait (the clock runs b inside it): its ticket, at 10 s, expires at 12.02 s.
    auto clock = std::make_shared<InterruptedClock>(2s, [&] { b_waited = b->acquire_within(Duration::max(), Priority::bulk); });
    auto o = with_share(0);
    auto a = make(s, "10/10s", scope, clock, &o);
    b = make(s, "10/10s", scope, clock, &o);
    a->penalize(10s);
    CHECK(a->acquire_within(Duration::max(), Priority::bulk).ok());
    REQUIRE(b_waited.ok());
    // b asks at 11.01 s and 12.02 s (a ahead of it), then at 13.03 s, the ticket gone: 11.03 s after 2 s.
    CHECK(*b_waited == 11030ms);
}

// pacer status shows who waits, per class: how many, the oldest wait, their pids.
inline void status_shows_the_line(const Setup& s) {
    const auto scope = unique_scope();
    std::unique_ptr<Pacer> other;
    nlohmann::json seen;
    auto clock = std::make_shared<InterruptedClock>(2s, [&] { seen = *other->status(); });
    auto o = with_share(0);
    auto p = make(s, "10/10s", scope, clock, &o);
    other = make(s, "10/10s", scope, clock, &o);
    p->penalize(10s);
    REQUIRE(p->acquire_within(Duration::max(), Priority::bulk).ok());
    CHECK(seen["waiting"]["bulk"]["count"] == 1);
    CHECK(seen["waiting"]["bulk"]["oldest_wait_ms"] == 2000);
    CHECK(seen["waiting"]["bulk"]["pids"] == nlohmann::json::array({::getpid()}));
    CHECK(seen["waiting"]["interactive"]["count"] == 0);
    const auto after = *other->status();
    CHECK(after["waiting"]["bulk"]["count"] == 0);  // served: out of the line
    CHECK(after["bulk_in_window"] == 1);
}

// Callers in a loop for 20 s on 20/2s (interval 101 ms, burst 2), on threads in simulated time: four
// interactive, four bulk, and at 12 s one person's call. Returns the grant times per class.
struct Mixed {
    std::vector<TimePoint> interactive, bulk;
    Duration person{};
};
inline Mixed mixed_demand(const Setup& s, double share, int interactive_callers) {
    auto clock = std::make_shared<SimClock>();
    const auto scope = unique_scope();
    const auto end = clock->now() + 20s;
    auto o = with_share(share);
    std::vector<std::unique_ptr<Pacer>> pacers;
    std::vector<std::vector<TimePoint>> got(9);
    Mixed m;
    std::vector<std::function<void()>> callers;
    for (int i = 0; i < 9; ++i) {
        pacers.push_back(make(s, "20/2s", scope, clock, &o));
        callers.push_back([&, i] {
            auto& p = *pacers[static_cast<size_t>(i)];
            if (i == 8) {  // the person
                clock->sleep_for(12s);
                auto w = p.acquire();
                if (w.ok()) m.person = *w;
                return;
            }
            if (i < 4 && i >= interactive_callers) return;
            const auto priority = i < 4 ? Priority::interactive : Priority::bulk;
            while (clock->now() < end) {
                if (!p.acquire_within(Duration::max(), priority).ok()) return;
                got[static_cast<size_t>(i)].push_back(clock->now());
                p.complete(true);
            }
        });
    }
    clock->run(callers);
    for (int i = 0; i < 8; ++i) {
        auto& to = i < 4 ? m.interactive : m.bulk;
        to.insert(to.end(), got[static_cast<size_t>(i)].begin(), got[static_cast<size_t>(i)].end());
    }
    std::sort(m.interactive.begin(), m.interactive.end());
    std::sort(m.bulk.begin(), m.bulk.end());
    return m;
}

inline int in_window_before(const std::vector<TimePoint>& g, TimePoint t, Duration w) {
    return static_cast<int>(std::count_if(g.begin(), g.end(), [&](TimePoint x) { return x <= t && x > t - w; }));
}

// Interactive callers alone could use every slot; bulk calls still get their share (25 % of 20: 5 in
// every window), and no window holds more than the limit.
inline void bulk_share_is_kept(const Setup& s) {
    const auto without = mixed_demand(s, 0, 4);
    const auto with = mixed_demand(s, 0.25, 4);
    CAPTURE(without.bulk.size());
    CAPTURE(with.bulk.size());
    // Without a share, interactive callers leave bulk ones next to nothing once the line forms.
    CHECK(without.bulk.size() < 10);
    const auto start = with.interactive.front();
    std::vector<TimePoint> all = with.interactive;
    all.insert(all.end(), with.bulk.begin(), with.bulk.end());
    std::sort(all.begin(), all.end());
    CHECK(max_in_any_window(all, 2s) <= 20);  // answered: each window runs from a completion, as the server's
    for (auto t = start + 4s; t <= start + 19s; t += 500ms) {
        CAPTURE((t - start).count());
        CHECK(in_window_before(with.bulk, t, 2020ms) >= 4);  // 5 per window, one of them maybe still ahead
    }
    CHECK(with.interactive.size() > with.bulk.size());
}

// A batch that saturates the account alone is well above its share: a person's call still waits about one
// interval, not behind the batch's calls.
inline void person_during_a_saturating_batch(const Setup& s) {
    const auto m = mixed_demand(s, 0.1, 0);
    CHECK(m.bulk.size() > 150);  // about 20 s x 10 per second
    CHECK(m.person <= 101ms);
}

inline void run_line(const Setup& s) {
    SUBCASE("first come, first served within a class") { first_come_first_served(s); }
    SUBCASE("a dead owner's ticket does not block") { dead_owner_does_not_block(s); }
    SUBCASE("an expired ticket does not block") { expired_ticket_does_not_block(s); }
    SUBCASE("status shows the line") { status_shows_the_line(s); }
    SUBCASE("bulk keeps its share when interactive calls saturate") { bulk_share_is_kept(s); }
    SUBCASE("a person waits one interval during a saturating batch") { person_during_a_saturating_batch(s); }
}

}  // namespace ccai::test::pacer_contract
