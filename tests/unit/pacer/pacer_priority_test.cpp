// Interactive and bulk calls share one budget: the reservation step (try_reserve) on its own, and a
// simulation of callers over the injected timeline, asserting on grant times only.
#include <doctest/doctest.h>

#include <algorithm>
#include <vector>

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
    const auto o = sixty_a_minute();
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
