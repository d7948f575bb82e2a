// Rate-limit specs and the pure slot computation shared by the memory and file backends.
#include <doctest/doctest.h>

#include <limits>

#include "pacer/internal.hpp"
#include "ccai/client.hpp"
#include "ccai/pacer.hpp"

using namespace ccai;
using namespace std::chrono_literals;

TEST_CASE("pacer: rate limit specs") {
    CHECK(*parse_rate_limits("60/1m") == std::vector<RateWindow>{{60, 60s}});
    CHECK(*parse_rate_limits("60/1m,1800/1h") == std::vector<RateWindow>{{60, 60s}, {1800, 3600s}});
    CHECK(*parse_rate_limits(" 20/2s , 5/1s ") == std::vector<RateWindow>{{20, 2s}, {5, 1s}});
    CHECK(*parse_rate_limits("100/m") == std::vector<RateWindow>{{100, 60s}});
    CHECK(*parse_rate_limits("7/90s") == std::vector<RateWindow>{{7, 90s}});
    for (const char* bad : {"", "60", "60/", "/1m", "0/1m", "-1/1m", "60/0m", "60/1d", "60/1.5m", "x/1m", "60/1m,",
                            "60/1m,,5/1s", "99999999999/1m", "60/99999h"}) {
        CAPTURE(bad);
        auto r = parse_rate_limits(bad);
        REQUIRE_FALSE(r.ok());
        CHECK(r.error().kind == ErrorKind::invalid_input);
        CHECK(r.error().message.find("rate limit") != std::string::npos);
    }
    CHECK(parse_rate_limits("60/1d").error().message.find("unit s, m or h") != std::string::npos);
}

TEST_CASE("pacer: options are checked") {
    for (int b : {-1, 61}) {
        PacerOptions o;
        o.backend = "memory";
        o.burst = b;
        auto p = make_pacer(o, system_clock());
        REQUIRE_FALSE(p.ok());
        CHECK(p.error().kind == ErrorKind::invalid_input);
        CHECK(p.error().message.find("burst") != std::string::npos);
    }
    PacerOptions o;
    CHECK(o.margin == 0.005);
    CHECK(o.burst == 0);
    CHECK(detail::burst_of(o) == 6);  // a tenth of 60/1m
    CHECK(detail::default_burst(*parse_rate_limits("20/2s")) == 2);
    CHECK(detail::default_burst(*parse_rate_limits("60/1m,5/1s")) == 1);
    CHECK(detail::default_burst(*parse_rate_limits("61/1m")) == 7);  // rounded up
}

TEST_CASE("pacer: burst setting") {
    auto burst_of = [](const std::string& v, const char* origin = "flag") {
        Config c;
        c.set("rate_limit", "60/1m", "test");
        c.set("burst", v, origin);
        return pacer_options(c);
    };
    CHECK(burst_of("1")->burst == 1);
    CHECK(burst_of("60")->burst == 60);
    Config unset;
    unset.set("rate_limit", "60/1m", "test");
    CHECK(pacer_options(unset)->burst == 0);  // not set: a tenth of the smallest limit
    for (const char* bad : {"0", "-3", "1.5", "x", "", "99999999999", "61"}) {
        CAPTURE(bad);
        auto r = burst_of(bad);
        REQUIRE_FALSE(r.ok());
        CHECK(r.error().kind == ErrorKind::invalid_input);
        CHECK(r.error().message.find("burst") != std::string::npos);
        CHECK(r.error().message.find("--burst") != std::string::npos);
    }
    auto from_env = burst_of("61", "env CCAI_BURST");
    REQUIRE_FALSE(from_env.ok());
    CHECK(from_env.error().kind == ErrorKind::config);
    CHECK(from_env.error().message.find("at most 60") != std::string::npos);
}

TEST_CASE("pacer: pacer_margin setting") {
    auto margin_of = [](const std::string& v) {
        Config c;
        c.set("rate_limit", "60/1m", "test");
        c.set("pacer_margin", v, "flag");
        return pacer_options(c);
    };
    CHECK(margin_of("2%")->margin == doctest::Approx(0.02));
    CHECK(margin_of("0.5%")->margin == doctest::Approx(0.005));
    CHECK(margin_of("0%")->margin == 0.0);
    CHECK(margin_of("0.03")->margin == doctest::Approx(0.03));
    Config unset;
    unset.set("rate_limit", "60/1m", "test");
    CHECK(pacer_options(unset)->margin == 0.005);  // not set: the default
    for (const char* bad : {"x", "2%%", "-1%", "101%", "1.5", "5 %", "nan%", ""}) {
        CAPTURE(bad);
        auto r = margin_of(bad);
        REQUIRE_FALSE(r.ok());
        CHECK(r.error().kind == ErrorKind::invalid_input);
        CHECK(r.error().message.find("pacer_margin") != std::string::npos);
    }
}

TEST_CASE("pacer: bulk_min_share setting") {
    auto share_of = [](const std::string& v, const char* origin = "flag") {
        Config c;
        c.set("rate_limit", "60/1m", "test");
        c.set("bulk_min_share", v, origin);
        return pacer_options(c);
    };
    CHECK(share_of("10%")->bulk_min_share == doctest::Approx(0.1));
    CHECK(share_of("0.25")->bulk_min_share == doctest::Approx(0.25));
    CHECK(share_of("0")->bulk_min_share == 0.0);
    CHECK(share_of("50%")->bulk_min_share == doctest::Approx(0.5));
    Config unset;
    unset.set("rate_limit", "60/1m", "test");
    CHECK(pacer_options(unset)->bulk_min_share == doctest::Approx(0.1));  // not set: the default, 10 %
    for (const char* bad : {"x", "-1%", "-0.1", "51%", "0.6", "1.5", "nan", "nan%", "inf", "1e400", "10 %", ""}) {
        CAPTURE(bad);
        auto r = share_of(bad);
        REQUIRE_FALSE(r.ok());
        CHECK(r.error().kind == ErrorKind::invalid_input);
        CHECK(r.error().message.find("bulk_min_share") != std::string::npos);
    }
    auto from_env = share_of("90%", "env CCAI_BULK_MIN_SHARE");
    REQUIRE_FALSE(from_env.ok());
    CHECK(from_env.error().kind == ErrorKind::config);
    // The SDK's own check, for programs that fill PacerOptions themselves.
    for (const double bad : {-0.1, 0.51, 2.0, std::numeric_limits<double>::quiet_NaN(), std::numeric_limits<double>::infinity()}) {
        CAPTURE(bad);
        PacerOptions o;
        o.backend = "memory";
        o.bulk_min_share = bad;
        auto p = make_pacer(o, system_clock());
        REQUIRE_FALSE(p.ok());
        CHECK(p.error().kind == ErrorKind::invalid_input);
        CHECK(p.error().message.find("bulk_min_share") != std::string::npos);
    }
}

TEST_CASE("pacer: max_penalty setting") {
    auto options_with = [](const std::string& v) {
        Config c;
        c.set("rate_limit", "60/1m", "test");
        c.set("max_penalty", v, "flag");
        return pacer_options(c);
    };
    CHECK(options_with("90")->max_penalty == 90s);
    CHECK(options_with("1.5")->max_penalty == 1500ms);
    Config unset;
    unset.set("rate_limit", "60/1m", "test");
    CHECK(pacer_options(unset)->max_penalty == 1h);
    for (const char* bad : {"0", "-1", "86401", "x", ""}) {
        CAPTURE(bad);
        auto r = options_with(bad);
        REQUIRE_FALSE(r.ok());
        CHECK(r.error().kind == ErrorKind::invalid_input);
        CHECK(r.error().message.find("--max-penalty") != std::string::npos);
    }
    PacerOptions o;
    o.backend = "memory";
    o.max_penalty = Duration(0);
    CHECK_FALSE(make_pacer(o, system_clock()).ok());
}

TEST_CASE("pacer: stored times further ahead than any wait or penalty are implausible") {
    using namespace ccai::detail;
    PacerOptions o;  // 60/1m, margin 0.5 %, burst 6, max_penalty 1 h
    const auto lead = plausible_lead(o);
    const auto window = longest_window(o.windows, o.margin);  // 60.3 s, as the double rounds it
    const auto interval = spacing_of(o.windows, o.margin);    // 1.005 s, likewise
    CHECK(lead == window + kLongestWait + 6 * interval);
    o.max_penalty = 48h;
    CHECK(plausible_lead(o) == window + 48h + 6 * interval);
    const TimePoint now(1000s);
    PacerState s;
    s.penalty_until = now + lead;
    CHECK(implausible(s, now, lead).empty());
    s.penalty_until = now + lead + 1us;
    CHECK(implausible(s, now, lead).find("a penalty") != std::string::npos);
    s = PacerState{};
    s.sent = now + 25h;
    CHECK_FALSE(implausible(s, now, lead).empty());
}

TEST_CASE("pacer: slot computation") {
    using namespace ccai::detail;
    const auto w = *parse_rate_limits("5/1s,8/10s");
    const TimePoint t0(1000s);
    SUBCASE("the interval is the max over windows, margin included") {
        CHECK(spacing_of(w, 0.02) == 1275ms);
        CHECK(spacing_of(w, 0.0) == 1250ms);
        CHECK(longest_window(w, 0.02) == 10200ms);
        CHECK(spacing_of(*parse_rate_limits("10000000/1s"), 0.0) == Duration(1));  // at least 1 us
    }
    SUBCASE("an answered request is credited the shortest window's margin, less kClockSlew") {
        CHECK(answered_credit(w, 0.02) == 19500us);  // 1 s x (2 % - 0.05 %)
        CHECK(answered_credit(*parse_rate_limits("60/1m,1800/1h"), 0.005) == 270ms);
        CHECK(answered_credit(w, 0.0005) == 0us);  // nothing left to credit
        CHECK(answered_credit(w, 0.0) == 0us);
    }
    SUBCASE("the burst allowance, then one interval per grant") {
        const auto r = *parse_rate_limits("20/2s");  // interval 100 ms at margin 0
        PacerState s;
        for (int i = 0; i < 3; ++i) {
            CHECK(next_slot(s, r, 0.0, 3, t0) == t0);  // burst 3: back to back from idle
            reserve_slot(s, r, 0.0, 3, t0, t0);
        }
        CHECK(s.tat == t0 + 300ms);
        CHECK(s.sent == t0);
        CHECK(next_slot(s, r, 0.0, 3, t0) == t0 + 100ms);
        reserve_slot(s, r, 0.0, 3, t0 + 100ms, t0);
        CHECK(next_slot(s, r, 0.0, 3, t0) == t0 + 200ms);
        CHECK(s.sent == t0);  // a reservation in the future has not gone out
        // Idle refills one call per interval: at +1 s the whole burst is back, no more.
        CHECK(next_slot(s, r, 0.0, 3, t0 + 1s) == t0 + 1s);
    }
    SUBCASE("a grant the windows hold back uses up the burst allowance") {
        const auto r = *parse_rate_limits("4/1s");  // interval 250 ms at margin 0
        PacerState s;
        s.grants = {t0, t0 + 250ms, t0 + 500ms, t0 + 750ms};
        s.tat = t0;  // the allowance alone would grant 3 at once
        CHECK(next_slot(s, r, 0.0, 3, t0 + 800ms) == t0 + 1s);  // the window holds it until the first leaves
        reserve_slot(s, r, 0.0, 3, t0 + 1s, t0 + 800ms);
        CHECK(s.tat == t0 + 1750ms);                                      // the slot + a whole burst
        CHECK(next_slot(s, r, 0.0, 3, t0 + 800ms) == t0 + 1250ms);        // one interval later, no burst
    }
    SUBCASE("the check before sending counts only grants up to then, and keeps the interval") {
        const auto two = *parse_rate_limits("2/1s");
        PacerState s;
        s.grants = {t0 - 1500ms, t0 - 500ms, t0 - 200ms, t0 + 1s};  // the last: someone's later reservation
        CHECK(confirm_slot(s, two, 0.0, t0) == t0 + 500ms);          // the grant at -0.5 s must leave first
        CHECK(confirm_slot(s, two, 0.0, t0 + 400ms) == t0 + 500ms);  // still that one
        CHECK(confirm_slot(s, two, 0.0, t0 + 600ms) == t0 + 600ms);  // it has left: go
        s.grants = {t0 - 1500ms, t0 - 200ms};
        CHECK(confirm_slot(s, two, 0.0, t0) == t0);  // room now: go
        s.sent = t0 - 200ms;  // the latest request went out 200 ms ago: one interval (500 ms) after it
        CHECK(confirm_slot(s, two, 0.0, t0) == t0 + 300ms);
        s.sent = {};
        s.penalty_until = t0 + 3s;
        CHECK(confirm_slot(s, two, 0.0, t0) == t0 + 3s);
        CHECK(take_grant(s, t0 - 200ms));
        CHECK_FALSE(take_grant(s, t0 - 200ms));
        put_grant(s, t0 - 2s);
        put_grant(s, t0);
        CHECK(s.grants == std::vector<TimePoint>{t0 - 2s, t0 - 1500ms, t0});
    }
    SUBCASE("a full window holds the next slot until its oldest grant leaves") {
        PacerState s;
        s.grants.assign(5, t0);  // a burst, e.g. a conservative fill
        CHECK(next_slot(s, w, 0.02, 1, t0) == t0 + 1020ms);  // the 1 s window frees at +1.02 s
        s.grants.assign(8, t0);
        CHECK(next_slot(s, w, 0.02, 1, t0) == t0 + 10200ms);  // the 10 s window is the binding one
        s.grants = {t0, t0 + 100ms, t0 + 200ms, t0 + 300ms, t0 + 400ms};
        CHECK(next_slot(s, w, 0.02, 1, t0 + 400ms) == t0 + 1020ms);  // fewer than 5 in (t - 1.02 s, t]
    }
    SUBCASE("the penalty and now are lower bounds") {
        PacerState s;
        s.penalty_until = t0 + 3s;
        CHECK(next_slot(s, w, 0.02, 1, t0) == t0 + 3s);
        CHECK(next_slot(s, w, 0.02, 1, t0 + 5s) == t0 + 5s);
    }
    SUBCASE("prune keeps the longest window and every future reservation") {
        PacerState s;
        s.grants = {t0, t0 + 1s, t0 + 20s, t0 + 30s};
        prune(s, w, 0.02, t0 + 15s);
        CHECK(s.grants == std::vector<TimePoint>{t0 + 20s, t0 + 30s});
        prune(s, w, 0.02, t0 + 11s);
        CHECK(s.grants.size() == 2);
    }
    SUBCASE("conservative fill uses the smallest limit") {
        PacerState s;
        fill_conservatively(s, *parse_rate_limits("60/1m,1800/1h"), t0);
        CHECK(s.grants.size() == 60);
        CHECK(next_slot(s, *parse_rate_limits("60/1m,1800/1h"), 0.02, 6, t0) == t0 + 61200ms);
    }
}
