// The pipeline with a fake transport and clock: auth header, pacing per attempt, retry classification.
#include <doctest/doctest.h>

#include "ccai/client.hpp"
#include "ccai/jwt.hpp"
#include "support/fakes.hpp"

using namespace ccai;

namespace {

// The memory pacer the settings name (60/1m), on the fake clock: pacing is part of what is tested here.
struct Harness : test::FakeClient {
    explicit Harness(RetryOptions retry = {})
        : FakeClient({{"host", "http://127.0.0.1:1"}, {"bot_id", "st-1"}, {"account_id", "acc"}, {"client_id", "cs-1"},
                      {"client_secret", "sekrit"}, {"jwt_sub", "me"}, {"jwt_ttl", "3600"}, {"rate_limit", "60/1m"},
                      {"pacer", "memory"}},
                     seeded(retry), nullptr) {}
    static RetryOptions seeded(RetryOptions r) {
        r.seed = 42;
        return r;
    }
};

}  // namespace

TEST_CASE("the auth header is a JWT for the client id, signed with the secret") {
    Harness h;
    h.transport->push(200);
    auto r = h.client->skill_groups().list();
    REQUIRE(r.ok());
    REQUIRE(h.transport->requests.size() == 1);
    const auto token = h.transport->requests[0].header("auth");
    const auto payload = verify_jwt(token, "sekrit");
    REQUIRE(payload.has_value());
    CHECK((*payload)["appId"] == "cs-1");
    CHECK((*payload)["sub"] == "me");
    CHECK((*payload)["exp"].get<long long>() - (*payload)["iat"].get<long long>() == 3600);
}

TEST_CASE("jwt_jti=true gives the token a unique jti") {
    auto make = [] {
        auto transport = std::make_shared<test::FakeTransport>();
        ClientOptions o;
        for (const auto& [k, v] : std::map<std::string, std::string>{
                 {"host", "http://127.0.0.1:1"}, {"bot_id", "st-1"}, {"client_id", "cs-1"}, {"client_secret", "s"},
                 {"jwt_sub", "me"}, {"jwt_ttl", "3600"}, {"jwt_jti", "true"}, {"rate_limit", "60/1m"}, {"pacer", "memory"}})
            o.config.set(k, v, "test");
        o.transport = transport;
        o.clock = std::make_shared<test::FakeClock>();
        transport->push(200);
        auto c = Client::create(std::move(o));
        REQUIRE(c.ok());
        REQUIRE(c->queues().list().ok());
        return (*verify_jwt(transport->requests.at(0).header("auth"), "s"))["jti"].get<std::string>();
    };
    const auto a = make(), b = make();
    CHECK(a.size() == 32);
    CHECK(a != b);
}

TEST_CASE("typed calls fill the catalog's path and parse JSON") {
    Harness h;
    h.transport->push(200, R"({"id":"sk-1","name":"French"})");
    auto r = h.client->skills().get({.skill_group_id = "sg-1", .skill_id = "sk-1"});
    REQUIRE(r.ok());
    CHECK((*r)["name"] == "French");
    CHECK(h.transport->requests[0].url == "http://127.0.0.1:1/agentassist/api/v1/public/st-1/skill-groups/sg-1/skills/sk-1");
    CHECK(h.transport->requests[0].method == "GET");
}

TEST_CASE("invalid input never reaches the transport") {
    Harness h;
    auto r = h.client->skills().get({.skill_group_id = "sg-1"});
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().kind == ErrorKind::invalid_input);
    CHECK(h.transport->requests.empty());
}

TEST_CASE("HTTP errors become ApiError values with the service's message and code") {
    Harness h;
    h.transport->push(404, R"({"errors":[{"msg":"Skill not found","code":"NOT_FOUND"}]})", {{"x-request-id", "rq-1"}});
    auto r = h.client->skills().get({.skill_group_id = "a", .skill_id = "b"});
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().kind == ErrorKind::not_found);
    CHECK(r.error().http_status == 404);
    CHECK(r.error().message == "Skill not found");
    CHECK(r.error().code == "NOT_FOUND");
    CHECK(r.error().request_id == "rq-1");
}

TEST_CASE("a rate-limit rejection is retried after a pause; every attempt is paced") {
    Harness h;
    h.transport->push(429, R"({"errors":[{"msg":"You've exceeded the per-minute rate limit. Please wait for sometime before retrying.","code":429}]})");
    h.transport->push(200);
    CallStats stats;
    auto r = h.client->call(*find_endpoint("queues.list"), CallArgs{}, &stats);
    REQUIRE(r.ok());
    CHECK(h.transport->requests.size() == 2);
    CHECK(stats.attempts == 2);
    CHECK(stats.rejections == 1);
    CHECK(h.clock->slept() >= std::chrono::seconds(1));  // backoff base: at least 1 s
}

TEST_CASE("a POST whose outcome is unknown is never re-sent; a GET is") {
    ApiError timeout;
    timeout.kind = ErrorKind::network;
    timeout.message = "timeout";
    timeout.maybe_reached_server = true;
    {
        Harness h;
        h.transport->push_error(timeout);
        auto r = h.client->call(*find_endpoint("skill-groups.create"), CallArgs{.body = nlohmann::json{{"name", "x"}}});
        REQUIRE_FALSE(r.ok());
        CHECK(r.error().kind == ErrorKind::network);
        CHECK(h.transport->requests.size() == 1);
    }
    {
        Harness h;
        h.transport->push_error(timeout);
        h.transport->push(200);
        auto r = h.client->call(*find_endpoint("skill-groups.list"), CallArgs{});
        CHECK(r.ok());
        CHECK(h.transport->requests.size() == 2);
    }
    {
        Harness h;  // a POST that provably never left is safe to send again
        ApiError refused = timeout;
        refused.maybe_reached_server = false;
        h.transport->push_error(refused);
        h.transport->push(200);
        auto r = h.client->call(*find_endpoint("skill-groups.create"), CallArgs{.body = nlohmann::json{{"name", "x"}}});
        CHECK(r.ok());
        CHECK(h.transport->requests.size() == 2);
    }
}

TEST_CASE("rate limited until attempts run out: rate_limited with a time to retry") {
    Harness h(RetryOptions{.max_attempts = 3});
    h.transport->fallback = HttpResponse{429, {}, "{}"};
    auto r = h.client->call(*find_endpoint("queues.list"), CallArgs{});
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().kind == ErrorKind::rate_limited);
    CHECK(r.error().retry_after.has_value());
    CHECK(h.transport->requests.size() == 3);
}

TEST_CASE("before_first_send runs once, with the slot granted; its error stops the call before the wire") {
    {
        Harness h;
        h.transport->push(503);
        h.transport->push(200);
        int calls = 0;
        CallStats stats;
        stats.before_first_send = [&]() -> Result<Unit> {
            ++calls;
            CHECK(h.transport->requests.empty());
            return Unit{};
        };
        REQUIRE(h.client->call(*find_endpoint("queues.list"), CallArgs{}, &stats).ok());
        CHECK(calls == 1);
        CHECK(h.transport->requests.size() == 2);
    }
    {
        Harness h;
        CallStats stats;
        stats.before_first_send = []() -> Result<Unit> { return invalid_input("not now"); };
        auto r = h.client->call(*find_endpoint("queues.list"), CallArgs{}, &stats);
        REQUIRE_FALSE(r.ok());
        CHECK(r.error().message == "not now");
        CHECK(h.transport->requests.empty());
    }
}

TEST_CASE("the older rate-limit message on a 400 is paced and retried; an SMS quoting it is not") {
    {
        Harness h;
        h.transport->push(400, R"({"errors":[{"msg":"Rate limit for this API has been reached. Please try again later","code":400}]})");
        h.transport->push(200);
        CallStats stats;
        auto r = h.client->call(*find_endpoint("queues.list"), CallArgs{}, &stats);
        REQUIRE(r.ok());
        CHECK(stats.attempts == 2);
        CHECK(stats.rejections == 1);  // the older message counts as a rejection too
        CHECK(h.clock->slept() >= std::chrono::seconds(1));
    }
    {
        // The service echoes what was sent: a text that quotes the message is a success, answered once. An
        // account of its own: the memory pacer's budget is per account and process, and the block above
        // paused "acc".
        test::FakeClient h({{"host", "http://127.0.0.1:1"}, {"bot_id", "st-1"}, {"account_id", "acc-sms-quote"},
                            {"client_id", "cs-1"}, {"client_secret", "sekrit"}, {"rate_limit", "60/1m"}, {"pacer", "memory"}},
                           Harness::seeded({}), nullptr);
        h.transport->push(200, R"({"status":"sent","message":"You've exceeded the per-minute rate limit. Please wait for sometime before retrying."})");
        h.transport->push(400, R"({"errors":[{"msg":"Invalid toNo"}],"data":{"message":"Rate limit for this API has been reached"}})");
        CallStats stats;
        const auto body = nlohmann::json{{"fromNo", "+15550100"}, {"toNo", "+15550101"}, {"message", "You've exceeded the per-minute rate limit."}};
        auto r = h.client->call(*find_endpoint("sms.send"), CallArgs{.body = body}, &stats);
        CHECK(r.ok());
        CHECK(stats.attempts == 1);
        CHECK(stats.rejections == 0);
        CallStats stats400;
        auto bad = h.client->call(*find_endpoint("sms.send"), CallArgs{.body = body}, &stats400);
        REQUIRE_FALSE(bad.ok());
        CHECK(bad.error().kind == ErrorKind::client);  // a client error, not a rate limit (exit 6)
        CHECK(stats400.attempts == 1);
        CHECK(h.transport->requests.size() == 2);
        CHECK(h.clock->slept() == std::chrono::seconds(0));  // no pause: nothing was taken for a rejection
    }
}

TEST_CASE("a read-only POST whose outcome is unknown is re-sent, like a GET") {
    ApiError timeout;
    timeout.kind = ErrorKind::network;
    timeout.message = "timeout";
    timeout.maybe_reached_server = true;
    Harness h;
    h.transport->push_error(timeout);
    h.transport->push(200, R"({"data":[]})");
    const auto& spec = *find_endpoint("analytics.agent-status-details");
    REQUIRE(spec.method() == "POST");
    auto body = nlohmann::json::parse(R"({"filter":{"dateFilter":{"startDate":"2026-01-01","endDate":"2026-01-02","timeZoneOffSet":0}}})");
    auto r = h.client->call(spec, CallArgs{.body = body});
    REQUIRE(r.ok());
    CHECK(h.transport->requests.size() == 2);
}

namespace {
// Asks for an interruption from inside the first sleep longer than a slice, as Ctrl-C would.
class CtrlCDuringSleep final : public Clock {
public:
    explicit CtrlCDuringSleep(Interruption& in) : in_(in) {}
    TimePoint now() override { return now_; }
    void sleep_for(Duration d) override {
        now_ += std::max(Duration(0), d);
        slept += std::max(Duration(0), d);
        in_.requested = true;
    }
    Duration slept{0};

private:
    Interruption& in_;
    TimePoint now_{std::chrono::hours(1000)};
};
}  // namespace

TEST_CASE("Ctrl-C during the pause before a retry ends the call at once: interrupted, nothing re-sent") {
    Interruption ctrl_c;
    auto transport = std::make_shared<test::FakeTransport>();
    auto clock = std::make_shared<CtrlCDuringSleep>(ctrl_c);
    ClientOptions o;
    for (const auto& [k, v] : {std::pair{"host", "http://127.0.0.1:1"}, {"bot_id", "st-1"}, {"account_id", "acc"},
                               {"client_id", "cs-1"}, {"client_secret", "sekrit"}})
        o.config.set(k, v, "test");
    o.transport = transport;
    o.clock = clock;
    o.pacer = std::make_shared<test::NullPacer>();
    o.retry = RetryOptions{.max_attempts = 5, .seed = 42};
    o.interruption = &ctrl_c;
    auto client = Client::create(std::move(o));
    REQUIRE(client);
    transport->push(503);  // a transient failure of a GET: normally retried after a backoff
    CallStats stats;
    auto r = client->call(*find_endpoint("skill-groups.list"), CallArgs{}, &stats);
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().kind == ErrorKind::interrupted);
    CHECK(r.error().message.find("interrupted while waiting to retry") != std::string::npos);
    CHECK(r.error().message.find("503") != std::string::npos);
    CHECK(r.error().http_status == 503);
    CHECK_FALSE(r.error().maybe_reached_server);  // re-sending was judged safe: a batch keeps the line for --resume
    CHECK(transport->requests.size() == 1);      // the retry never went out
    CHECK(clock->slept <= std::chrono::milliseconds(50));  // one slice, not the whole backoff
    CHECK(stats.retry_wait == clock->slept);     // the budget counts what was really waited
    CHECK(ctrl_c.waiting == 0);
}
