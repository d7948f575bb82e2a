// Interactive and bulk calls share one budget: the reservation step (try_reserve) on its own, and a
// simulation of callers over the injected timeline, asserting on grant times only.
#include <doctest/doctest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <vector>

#include <fmt/format.h>

#include "pacer/internal.hpp"

using namespace ccai;
using namespace ccai::detail;
using namespace std::chrono_literals;

namespace {

const TimePoint t0{std::chrono::hours(1000)};

PacerOptions sixty_a_minute() {
    PacerOptions o;
    o.windows = *parse_rate_limits("60/1m");  // interval 1.005 s, burst 6
    return o;
}

// `callers` callers of `priority`, each asking again as soon as its previous request went out (at its
// slot), until `end`. A deferred caller asks again when the slot it saw comes. Returns the grant
// times in order.
std::vector<TimePoint> simulate(const PacerOptions& o, int callers, Priority priority, TimePoint end) {
    PacerState s;
    const auto horizon = reservation_horizon(o, priority);
    std::vector<TimePoint> wake(static_cast<size_t>(callers), t0), grants;
    for (;;) {
        const auto next = std::min_element(wake.begin(), wake.end());  // ties: the first caller first
        if (*next >= end) break;
        const auto a = try_reserve(s, o, *next, Duration::max(), horizon);
        if (a.outcome == Attempt::reserved) {
            grants.push_back(a.slot);
            *next = a.slot;
        } else {
            *next = a.slot;
        }
    }
    std::sort(grants.begin(), grants.end());
    return grants;
}

}  // namespace

TEST_CASE("pacer priority: sixteen bulk callers reserve only slots free now; a person's call then waits one interval") {
    const auto o = sixty_a_minute();
    const auto T = spacing_of(o.windows, o.margin);
    PacerState s;
    int reserved = 0;
    TimePoint latest{};
    for (int i = 0; i < 16; ++i) {
        const auto a = try_reserve(s, o, t0, Duration::max(), reservation_horizon(o, Priority::bulk));
        CHECK(a.outcome != Attempt::refused);
        if (a.outcome == Attempt::reserved) {
            ++reserved;
            latest = std::max(latest, a.slot);
        }
    }
    CHECK(reserved == 6);  // the burst of 6, free now
    CHECK(latest == t0);
    const auto person = try_reserve(s, o, t0, Duration::max(), reservation_horizon(o, Priority::interactive));
    REQUIRE(person.outcome == Attempt::reserved);
    CHECK(person.slot == t0 + T);

    // The same sixteen as interactive callers reserve eleven intervals ahead, and the person waits behind them.
    PacerState queued;
    for (int i = 0; i < 16; ++i) REQUIRE(try_reserve(queued, o, t0, Duration::max(), Duration::max()).outcome == Attempt::reserved);
    CHECK(try_reserve(queued, o, t0, Duration::max(), Duration::max()).slot == t0 + 11 * T);
}

TEST_CASE("pacer priority: bulk alone keeps the account busy, evenly, within every window") {
    const auto o = sixty_a_minute();
    const auto T = spacing_of(o.windows, o.margin);
    const auto end = t0 + 5min;
    for (const int callers : {1, 4, 16}) {
        CAPTURE(callers);
        const auto grants = simulate(o, callers, Priority::bulk, end);
        // At least 0.98 x L/W over five windows.
        CHECK(static_cast<double>(grants.size()) >= 0.98 * 5 * 60);
        // Never more than the limit in any window, and after the first window one grant per interval.
        for (size_t i = 60; i < grants.size(); ++i) CHECK(grants[i] - grants[i - 60] >= effective_window(o.windows[0], o.margin));
        for (size_t i = 61; i < grants.size(); ++i) CHECK(grants[i] - grants[i - 1] >= T);
    }
}

TEST_CASE("pacer priority: a deferred call reserves nothing, and a slot past the budget is refused first") {
    auto o = sixty_a_minute();
    o.bulk_min_share = 0;  // else the first bulk call, below its share, would reserve ahead
    PacerState s;
    s.penalty_until = t0 + 30s;
    const auto bulk = try_reserve(s, o, t0, Duration::max(), reservation_horizon(o, Priority::bulk));
    CHECK(bulk.outcome == Attempt::deferred);
    CHECK(bulk.slot == t0 + 30s);
    CHECK(bulk.penalized);
    CHECK(s.grants.empty());
    CHECK(try_reserve(s, o, t0, 10s, reservation_horizon(o, Priority::bulk)).outcome == Attempt::refused);
    CHECK(try_reserve(s, o, t0 + 30s - 1ms, Duration::max(), reservation_horizon(o, Priority::bulk)).outcome ==
          Attempt::deferred);
    CHECK(try_reserve(s, o, t0 + 30s, Duration::max(), reservation_horizon(o, Priority::bulk)).outcome == Attempt::reserved);
    CHECK(s.grants.size() == 1);
}

namespace {

Ticket ticket_of(const std::string& id, Priority p, TimePoint arrived, long pid = ::getpid()) {
    const auto owner = current_owner();
    return Ticket{id, p, arrived, TimePoint{}, pid, pid == owner.pid ? owner.started : 0};
}

}  // namespace

TEST_CASE("pacer line: only the oldest waiting call of a class takes a free slot; interactive ones go first") {
    auto o = sixty_a_minute();
    o.bulk_min_share = 0;
    const auto T = spacing_of(o.windows, o.margin);
    PacerState s;
    s.penalty_until = t0 + 10s;
    // Three bulk callers arrive in the order a, b, c and wait for the pause to end.
    auto a = ticket_of("000000000000000a", Priority::bulk, t0);
    auto b = ticket_of("000000000000000b", Priority::bulk, t0 + 1ms);
    auto c = ticket_of("000000000000000c", Priority::bulk, t0 + 2ms);
    for (auto* t : {&c, &a, &b}) {  // the lock's order is not theirs
        Caller caller{Priority::bulk, t};
        const auto r = try_reserve(s, o, t->arrived, Duration::max(), caller);
        CHECK(r.outcome == Attempt::deferred);
        CHECK(r.changed);
    }
    REQUIRE(s.tickets.size() == 3);
    CHECK(s.tickets[0].id == a.id);  // kept in arrival order
    CHECK(s.tickets[2].id == c.id);
    // When the slot comes, c and b reach the state first: they wait their turn, one interval per call ahead.
    Caller cc{Priority::bulk, &c}, cb{Priority::bulk, &b}, ca{Priority::bulk, &a};
    auto rc = try_reserve(s, o, t0 + 10s, Duration::max(), cc);
    CHECK(rc.outcome == Attempt::deferred);
    CHECK(rc.ahead == 2);
    CHECK(rc.slot == t0 + 10s + 2 * T);
    CHECK(try_reserve(s, o, t0 + 10s, Duration::max(), cb).outcome == Attempt::deferred);
    const auto ra = try_reserve(s, o, t0 + 10s, Duration::max(), ca);
    CHECK(ra.outcome == Attempt::reserved);
    CHECK(ra.slot == t0 + 10s);
    CHECK(s.tickets.size() == 2);  // a left the line
    // An interactive caller waiting in line goes before every bulk one.
    auto person = ticket_of("00000000000000ff", Priority::interactive, t0 + 5s);
    CHECK(tickets_ahead(s, person) == 0);
    REQUIRE(put_ticket(s, person));
    CHECK(tickets_ahead(s, b) == 1);
    CHECK(tickets_ahead(s, c) == 2);
    CHECK(ahead_of(person, a));
    CHECK_FALSE(ahead_of(c, b));
}

TEST_CASE("pacer line: a dead owner's or an expired ticket is dropped; the line is bounded") {
    auto o = sixty_a_minute();
    o.bulk_min_share = 0;
    PacerState s;
    auto old = ticket_of("0000000000000001", Priority::bulk, t0);
    old.expires = t0 + 1h;
    REQUIRE(put_ticket(s, old));
    auto me = ticket_of("0000000000000002", Priority::bulk, t0 + 1s);
    SUBCASE("dead owner") {
        Caller c{Priority::bulk, &me, TimePoint::max(), [&](const Ticket& t) { return t.id != old.id; }};
        const auto r = try_reserve(s, o, t0 + 2s, Duration::max(), c);
        CHECK(r.outcome == Attempt::reserved);
        CHECK(s.tickets.empty());
    }
    SUBCASE("alive, not yet expired: it blocks") {
        Caller c{Priority::bulk, &me, t0 + 1min, [](const Ticket&) { return true; }};
        const auto r = try_reserve(s, o, t0 + 2s, Duration::max(), c);
        CHECK(r.outcome == Attempt::deferred);
        CHECK(r.ahead == 1);
        REQUIRE(s.tickets.size() == 2);
        CHECK(s.tickets[1].expires == std::min(t0 + 1min, r.slot + ticket_grace(o)));
    }
    SUBCASE("expired") {
        Caller c{Priority::bulk, &me};
        CHECK(try_reserve(s, o, t0 + 1h + 1us, Duration::max(), c).outcome == Attempt::reserved);
        CHECK(s.tickets.empty());
    }
    SUBCASE("a full line: a newcomer waits without a place, nothing grows") {
        s.tickets.clear();
        for (size_t i = 0; i < kMaxTickets; ++i) {
            auto t = ticket_of(fmt::format("{:016x}", i + 10), Priority::bulk, t0);
            t.expires = t0 + 1h;
            REQUIRE(put_ticket(s, t));
        }
        CHECK_FALSE(put_ticket(s, me));
        Caller c{Priority::bulk, &me};
        const auto r = try_reserve(s, o, t0 + 2s, Duration::max(), c);
        CHECK(r.outcome == Attempt::deferred);
        CHECK(s.tickets.size() == kMaxTickets);
    }
    // The owner checks themselves: this process is alive, a reaped child or a reused pid is not.
    CHECK(owner_alive(current_owner().pid, current_owner().started));
    CHECK_FALSE(owner_alive(current_owner().pid, current_owner().started + 1));
    CHECK_FALSE(owner_alive(0, 0));
    const pid_t child = ::fork();
    if (child == 0) ::_exit(0);
    ::waitpid(child, nullptr, 0);
    CHECK_FALSE(owner_alive(child, 0));
    CHECK(process_start_time(::getpid()) == current_owner().started);
}

TEST_CASE("pacer share: bulk keeps ceil(share x limit) of the pacing window when interactive calls saturate") {
    auto o = sixty_a_minute();
    CHECK(bulk_quota(o) == 6);
    o.bulk_min_share = 0.5;
    CHECK(bulk_quota(o) == 30);
    o.bulk_min_share = 0;
    CHECK(bulk_quota(o) == 0);
    o.windows = *parse_rate_limits("60/1m,1800/1h");  // the hour sets the interval: its limit counts
    o.bulk_min_share = 0.1;
    CHECK(&pacing_window(o) == &o.windows[1]);
    CHECK(bulk_quota(o) == 180);

    // Sixteen interactive callers keep a queue of reservations; a bulk caller asking now and then is below
    // its share, so it reserves behind that queue instead of waiting for a slot free now, which never comes.
    o = sixty_a_minute();
    const auto T = spacing_of(o.windows, o.margin);
    PacerState s;
    for (int i = 0; i < 16; ++i) REQUIRE(try_reserve(s, o, t0, Duration::max(), Duration::max()).outcome == Attempt::reserved);
    const auto b = try_reserve(s, o, t0, Duration::max(), reservation_horizon(o, Priority::bulk));
    CHECK(b.outcome == Attempt::reserved);
    CHECK(b.slot == t0 + 11 * T);
    CHECK(bulk_in_window(s, o, t0) == 1);
    // Once the share is met, bulk calls take only slots free now again.
    for (int i = 0; i < 5; ++i) REQUIRE(try_reserve(s, o, t0, Duration::max(), reservation_horizon(o, Priority::bulk)).outcome == Attempt::reserved);
    CHECK(bulk_in_window(s, o, t0) == 6);
    CHECK(try_reserve(s, o, t0, Duration::max(), reservation_horizon(o, Priority::bulk)).outcome == Attempt::deferred);
    // The person's call still waits only for what was reserved before it.
    CHECK(try_reserve(s, o, t0, Duration::max(), Duration::max()).slot == t0 + 17 * T);
}
