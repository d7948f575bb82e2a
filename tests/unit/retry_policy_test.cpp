// The retry policy in a real chain (retry -> pacer -> fake transport) on a FakeClock: no real sleeps.
#include <doctest/doctest.h>

#include <set>

#include "pipeline/policies.hpp"
#include "support/pacer_contract.hpp"

using namespace ccai;
using namespace ccai::test;
using namespace std::chrono_literals;

namespace {

const std::string kMinute = R"({"errors":[{"msg":"You've exceeded the per-minute rate limit. Please wait for sometime before retrying."}]})";

struct Chain {
    explicit Chain(RetryOptions o = {}, std::string scope = pacer_contract::unique_scope()) : scope_(std::move(scope)) {
        pacer = pacer_contract::make({"memory", ""}, "60/1m", scope_, clock);
        retry = detail::make_retry_policy(o, pacer, clock, [this](const std::string& l) { log.push_back(l); },
                                          [this](const RetryNotice& n) { notices.push_back(n); });
        pace = detail::make_pacer_policy(pacer);
        transport->answer_all(200);  // after the stubs a test queues: these tests count the attempts themselves
    }
    Result<HttpResponse> send(std::string method = "GET") {
        HttpRequest r{std::move(method), "https://h/x", {}, "", std::nullopt};
        const auto to_wire = [this](HttpRequest& rr) { return transport->perform(rr); };
        return retry->send(r, stats, [&](HttpRequest& rr) { return pace->send(rr, stats, to_wire); });
    }
    static ApiError network(bool reached) {
        ApiError e;
        e.kind = ErrorKind::network;
        e.message = "timeout";
        e.maybe_reached_server = reached;
        return e;
    }

    std::string scope_;
    std::shared_ptr<FakeClock> clock = std::make_shared<FakeClock>();
    std::shared_ptr<FakeTransport> transport = std::make_shared<FakeTransport>();
    std::shared_ptr<Pacer> pacer;
    std::unique_ptr<Policy> retry, pace;
    CallStats stats;
    std::vector<std::string> log;
    std::vector<RetryNotice> notices;
};

RetryOptions seeded(std::uint64_t seed) {
    RetryOptions o;
    o.seed = seed;
    return o;
}

}  // namespace

TEST_CASE("retry policy: a 429 pauses at least the backoff, the pacer's view and Retry-After, plus positive jitter") {
    SUBCASE("backoff vs window") {
        Chain c(seeded(1));
        c.transport->push(429);
        REQUIRE(c.send().ok());
        CHECK(c.transport->requests.size() == 2);
        // max(1s backoff, 0.101s until the pacer's next slot: its window has room) + jitter in [100ms, 100ms + 10%]
        CHECK(c.clock->slept() >= 1100ms);
        CHECK(c.clock->slept() <= 1200ms);
    }
    SUBCASE("Retry-After in seconds") {
        Chain c(seeded(2));
        c.transport->push(429, "{}", {{"retry-after", "7"}});
        REQUIRE(c.send().ok());
        CHECK(c.clock->slept() >= 7100ms);
        CHECK(c.clock->slept() <= 7800ms);
    }
    SUBCASE("the rate-limit message in a 200 or 400 body is a rejection too") {
        Chain c(seeded(3));
        c.transport->push(200, kMinute);
        c.transport->push(400, kMinute);
        auto r = c.send("POST");  // a rejected POST did nothing: re-sent
        REQUIRE(r.ok());
        CHECK(r->body == "{}");
        CHECK(c.transport->requests.size() == 3);
    }
}

TEST_CASE("retry policy: jitter is positive, bounded, and varies") {
    std::set<long long> seen;
    for (std::uint64_t seed = 1; seed <= 40; ++seed) {
        Chain c(seeded(seed));
        c.transport->push(429, "{}", {{"retry-after", "10"}});
        REQUIRE(c.send().ok());
        const auto extra = c.clock->slept() - 10s;
        CHECK(extra >= 100ms);
        CHECK(extra <= 1100ms);
        seen.insert(extra.count());
    }
    CHECK(seen.size() > 30);
}

TEST_CASE("retry policy: consecutive rejections back off exponentially") {
    Chain c(seeded(4));
    for (int i = 0; i < 4; ++i) c.transport->push(429);
    REQUIRE(c.send().ok());
    CHECK(c.transport->requests.size() == 5);
    // pauses >= 1.02 (window), 2, 4, 8 s, each + >= 100 ms jitter
    CHECK(c.clock->slept() >= 15020ms + 400ms);
    CHECK(c.clock->slept() <= 15020ms + 400ms + 1600ms);
}

TEST_CASE("retry policy: a rejection penalizes every pacer of the account") {
    const auto scope = pacer_contract::unique_scope();
    RetryOptions o = seeded(5);
    o.max_attempts = 1;
    Chain c(o, scope);
    auto other = pacer_contract::make({"memory", ""}, "60/1m", scope, c.clock);
    c.transport->push(429, "{}", {{"retry-after", "30"}});
    auto r = c.send();
    REQUIRE_FALSE(r.ok());
    CHECK(other->time_until_free() >= 30100ms);
}

TEST_CASE("retry policy: max attempts and max wait end in rate_limited with the time to retry") {
    SUBCASE("max attempts") {
        RetryOptions o = seeded(6);
        o.max_attempts = 3;
        Chain c(o);
        c.transport->fallback = HttpResponse{429, {}, kMinute};
        auto r = c.send();
        REQUIRE_FALSE(r.ok());
        CHECK(r.error().kind == ErrorKind::rate_limited);
        CHECK(c.transport->requests.size() == 3);
        CHECK(r.error().message.find("after 3 attempts") != std::string::npos);
        CHECK(r.error().message.find("retry in ") != std::string::npos);
        CHECK(r.error().retry_after >= std::chrono::milliseconds(4000));
    }
    SUBCASE("max wait") {
        RetryOptions o = seeded(7);
        o.max_wait = 5s;
        Chain c(o);
        c.transport->fallback = HttpResponse{429, {}, "{}"};
        auto r = c.send();
        REQUIRE_FALSE(r.ok());
        CHECK(r.error().kind == ErrorKind::rate_limited);
        CHECK(c.transport->requests.size() == 3);  // ~1.1 + ~2.2 s waited; ~4.4 s more would pass 5 s
        CHECK(r.error().message.find("wait budget (max_wait)") != std::string::npos);
        CHECK(c.clock->slept() <= 5s);
    }
}

TEST_CASE("retry policy: a Retry-After of a day fails at once, says so, and pauses the account only max_penalty") {
    RetryOptions o = seeded(8);
    o.max_wait = 300s;
    Chain c(o);
    c.transport->push(429, "{}", {{"retry-after", "86400"}});
    auto r = c.send();
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().kind == ErrorKind::rate_limited);
    CHECK(r.error().message.find("the service asked to wait 86400 s") != std::string::npos);
    CHECK(c.clock->slept() == 0ms);
    CHECK(c.pacer->time_until_free() == 1h);
    // The time to retry told is the account's pause, not the service's day.
    CHECK(r.error().retry_after == 1h);
    CHECK(r.error().message.ends_with("; retry in 3600s"));
}

TEST_CASE("pacer policy: a slot past the call's max_wait fails at once without sending or retrying") {
    const auto scope = pacer_contract::unique_scope();
    RetryOptions o = seeded(9);
    o.max_wait = 300s;
    Chain c(o, scope);
    c.pace = detail::make_pacer_policy(c.pacer, o.max_wait);
    auto other = pacer_contract::make({"memory", ""}, "60/1m", scope, c.clock);
    other->penalize(10min);  // another process of the account was told to wait
    auto r = c.send();
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().kind == ErrorKind::rate_limited);
    CHECK(r.error().message.find("next slot is in 600.0s") != std::string::npos);
    CHECK(c.transport->requests.empty());
    CHECK(c.clock->slept() == 0ms);
    CHECK(c.stats.attempts == 1);
    // What the call already waited counts: 200 s of retries leave 100 s.
    REQUIRE(other->reset());
    other->penalize(150s);
    c.stats = CallStats{};
    c.stats.retry_wait = 200s;
    HttpRequest req{"GET", "https://h/x", {}, "", std::nullopt};
    auto paced = c.pace->send(req, c.stats, [](HttpRequest&) -> Result<HttpResponse> { return HttpResponse{200, {}, "{}"}; });
    REQUIRE_FALSE(paced.ok());
    CHECK(paced.error().message.find("wait budget of 100.0s") != std::string::npos);
}

TEST_CASE("retry policy: transient failures") {
    SUBCASE("GET: 502/503/504 and network errors retried with full jitter") {
        Chain c(seeded(8));
        c.transport->push(502);
        c.transport->push(503);
        c.transport->push_error(Chain::network(true));
        c.transport->push(504);
        REQUIRE(c.send("GET").ok());
        CHECK(c.transport->requests.size() == 5);
        CHECK(c.clock->slept() <= 1s + 2s + 4s + 8s + 4 * 1020ms);
    }
    SUBCASE("POST whose outcome is unknown is never re-sent") {
        Chain c(seeded(9));
        c.transport->push(503);
        auto r = c.send("POST");
        REQUIRE(r.ok());
        CHECK(r->status == 503);
        CHECK(c.transport->requests.size() == 1);
        Chain d(seeded(9));
        d.transport->push_error(Chain::network(true));
        CHECK_FALSE(d.send("POST").ok());
        CHECK(d.transport->requests.size() == 1);
    }
    SUBCASE("POST that provably never reached the server is re-sent") {
        Chain c(seeded(10));
        c.transport->push_error(Chain::network(false));
        REQUIRE(c.send("POST").ok());
        CHECK(c.transport->requests.size() == 2);
    }
    SUBCASE("gives up after max attempts with the last outcome") {
        RetryOptions o = seeded(11);
        o.max_attempts = 2;
        Chain c(o);
        c.transport->fallback = HttpResponse{503, {}, "{}"};
        auto r = c.send("DELETE");
        REQUIRE(r.ok());
        CHECK(r->status == 503);
        CHECK(c.transport->requests.size() == 2);
    }
    SUBCASE("not retried: 500, 4xx") {
        Chain c(seeded(12));
        c.transport->push(500);
        CHECK(c.send().value().status == 500);
        CHECK(c.transport->requests.size() == 1);
    }
}

TEST_CASE("pacer policy: an answered request is credited the margin, one without an answer keeps it") {
    for (const bool answered : {true, false}) {
        CAPTURE(answered);
        auto clock = std::make_shared<FakeClock>();
        std::shared_ptr<Pacer> pacer = pacer_contract::make({"memory", ""}, "1/1s", pacer_contract::unique_scope(), clock);
        auto pace = detail::make_pacer_policy(pacer);
        FakeTransport transport;
        if (answered) transport.push(503);  // any status is an answer
        else transport.push_error(Chain::network(true));
        HttpRequest r{"GET", "https://h/x", {}, "", std::nullopt};
        CallStats stats;
        (void)pace->send(r, stats, [&](HttpRequest& rr) {
            clock->advance(300ms);  // the request takes 300 ms
            return transport.perform(rr);
        });
        // from the end of the request: 1 s x (1 + kClockSlew) answered, 1 s x (1 + margin 1 %) not
        CHECK(pacer->time_until_free() == (answered ? 1000500us : 1010ms));
    }
}

TEST_CASE("retry policy: max_wait bounds the pacer's waits and the retries' together") {
    RetryOptions o = seeded(13);
    o.max_wait = 10s;
    SUBCASE("within the budget: retried") {
        Chain c(o);
        c.transport->push(429, "{}", {{"retry-after", "7"}});
        REQUIRE(c.send().ok());
        CHECK(c.transport->requests.size() == 2);
    }
    SUBCASE("the pacer already made the call wait: the same pause passes the budget, and nothing is re-sent") {
        Chain c(o);
        c.stats.pacer_wait = 5s;
        c.transport->push(429, "{}", {{"retry-after", "7"}});
        auto r = c.send();
        REQUIRE_FALSE(r.ok());
        CHECK(r.error().message.find("wait budget (max_wait)") != std::string::npos);
        CHECK(c.transport->requests.size() == 1);
        CHECK(c.notices.empty());
    }
}

TEST_CASE("retry policy: a person is told of each retry before its pause") {
    RetryOptions o = seeded(14);
    o.max_attempts = 4;
    Chain c(o);
    c.transport->push(429, "{}", {{"retry-after", "3"}});
    c.transport->push(503);
    c.transport->push_error(Chain::network(false));
    REQUIRE(c.send("GET").ok());
    REQUIRE(c.notices.size() == 3);
    CHECK(c.notices[0].rejected);
    CHECK(c.notices[0].pacer_allowed);  // the pacer had room: the service's limit is lower, or others share it
    CHECK(c.notices[0].status == 429);
    CHECK(c.notices[0].next_attempt == 2);
    CHECK(c.notices[0].max_attempts == 4);
    CHECK(c.notices[0].pause >= 3100ms);
    CHECK_FALSE(c.notices[1].rejected);
    CHECK(c.notices[1].status == 503);
    CHECK(c.notices[1].next_attempt == 3);
    CHECK(c.notices[2].status == 0);
    CHECK(c.notices[2].error == "timeout");
    CHECK(c.notices[2].next_attempt == 4);
}

TEST_CASE("retry policy: a network error that ends the call says how many attempts took how long") {
    RetryOptions o = seeded(15);
    o.max_attempts = 3;
    Chain c(o);
    for (int i = 0; i < 3; ++i) c.transport->push_error(Chain::network(false));
    auto r = c.send("GET");
    REQUIRE_FALSE(r.ok());
    CHECK(c.transport->requests.size() == 3);
    const auto& m = r.error().message;
    CHECK(m.starts_with("timeout (gave up after 3 attempts in "));
    // The time is the clock's: the two pauses between the attempts, not the last attempt's.
    const double said = std::stod(m.substr(m.find(" in ") + 4));
    CHECK(said == doctest::Approx(std::chrono::duration<double>(c.clock->slept()).count()).epsilon(0.05));
    Chain once(o);
    once.transport->push_error(Chain::network(true));
    auto single = once.send("POST");  // may have reached the server: one attempt, the transport's words alone
    REQUIRE_FALSE(single.ok());
    CHECK(single.error().message == "timeout");
}

TEST_CASE("Retry-After as an HTTP-date is read against the response's Date, the server's clock") {
    HttpResponse r{429, {{"retry-after", "Sun, 06 Nov 1994 08:50:07 GMT"}, {"date", "Sun, 06 Nov 1994 08:49:37 GMT"}}, "{}"};
    const long long our_now = 2000000000;  // years after the server's: our clock is not what the server meant
    CHECK(retry_after_of(r, our_now) == std::chrono::milliseconds(30000));
    r.headers.erase("date");
    CHECK(retry_after_of(r, 784111777) == std::chrono::milliseconds(30000));  // 08:49:37 by our clock
    r.headers["date"] = "yesterday";  // unreadable: our clock after all
    CHECK(retry_after_of(r, 784111777) == std::chrono::milliseconds(30000));
    r.headers["retry-after"] = "12";
    CHECK(retry_after_of(r, 0) == std::chrono::milliseconds(12000));
}
