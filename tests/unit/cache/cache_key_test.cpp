// What an answer is keyed by: only the headers that change it, and whose answer it is (account, bot, app);
// and a client's Cache-Control.
#include <doctest/doctest.h>

#include "cache/cache_key.hpp"
#include "ccai/jwt.hpp"
#include "unit/cache/cache_harness.hpp"

using namespace ccai;
using namespace ccai::test::cache;

TEST_CASE("the key ignores per-request headers a proxy client sends, and keeps those that change the answer") {
    HttpRequest r{"GET", "http://h/agentassist/api/v1/public/st-1/agents", {{"accept", "application/json"}, {"iid", "st-1"}}, ""};
    const auto base = detail::cache_key(r, "acc");
    auto noisy = r;
    for (const auto& [n, v] : std::vector<std::pair<std::string, std::string>>{
             {"Postman-Token", "1f2e"}, {"tracestate", "k=v"}, {"baggage", "a=b"}, {"X-B3-TraceId", "abc"},
             {"x-amzn-trace-id", "Root=1"}, {"Cache-Control", "no-cache"}, {"X-Anything", "new"}})
        noisy.headers.emplace_back(n, v);
    CHECK(detail::cache_key(noisy, "acc") == base);
    for (const std::string name : {"accept", "content-type", "accountid", "iid"}) {
        auto changed = r;
        changed.headers.emplace_back(name, "other");
        if (name == "accept" || name == "iid") changed.headers.erase(changed.headers.begin() + (name == "accept" ? 0 : 1));
        CHECK_MESSAGE(detail::cache_key(changed, "acc") != base, name);
    }
    auto declared = r;
    declared.headers.emplace_back("X-Tenant", "t1");
    CHECK(detail::cache_key(declared, "acc", {"x-tenant"}) != detail::cache_key(r, "acc", {"x-tenant"}));  // the catalog's
    auto by_hand = declared;
    by_hand.key_headers = {"X-Tenant"};  // -H
    CHECK(detail::cache_key(by_hand, "acc") != base);
    auto other_value = by_hand;
    other_value.headers.back().second = "t2";
    CHECK(detail::cache_key(other_value, "acc") != detail::cache_key(by_hand, "acc"));
}

TEST_CASE("Cache-Control: no-cache asks the service and refreshes the entry; no-store keeps nothing") {
    Harness h;
    const auto list = [&](const std::string& control) {
        CallArgs a;
        if (!control.empty()) a.extra_headers.emplace_back("Cache-Control", control);
        CallStats stats;
        auto r = h.client->call(*find_endpoint("skill-groups.list"), a, &stats);
        REQUIRE(r.ok());
        return r->dump();
    };
    h.transport->push(200, R"({"v":1})");
    CHECK(list("") == R"({"v":1})");
    h.transport->push(200, R"({"v":2})");
    CHECK(list("max-age=0, No-Cache") == R"({"v":2})");  // not answered from the cache
    CHECK(list("") == R"({"v":2})");                        // ...but it refreshed the entry
    CHECK(h.transport->requests.size() == 2);
    h.wall->now += 31s;
    h.transport->push(200, R"({"v":3})");
    CHECK(list("no-store") == R"({"v":3})");
    h.transport->push(200, R"({"v":4})");
    CHECK(list("") == R"({"v":4})");  // v3 was not kept
    CHECK(h.transport->requests.size() == 4);
    CHECK(h.logged("cache: not looked up (Cache-Control)"));
}

TEST_CASE("two apps on one account and bot never share answers; a new token of the same app does") {
    Harness a(30s, kMaxCacheEntryBytes, nullptr, "acc", {{"client_id", "cs-a"}});
    a.transport->push(200, kList);
    REQUIRE(a.list().ok());
    // Other clients on a's cache directory and transport, as other processes of the user would be.
    const auto client_of = [&](const std::string& key, const std::string& value) {
        ClientOptions o;
        for (const auto& [k, v] : std::map<std::string, std::string>{{"host", "http://127.0.0.1:1"}, {"bot_id", "st-1"},
                                                                      {"account_id", "acc"}, {"pacer", "memory"}, {"rate_limit", "60/1m"},
                                                                      {"client_secret", "s"}, {key, value}})
            o.config.set(k, v, "test");
        o.transport = a.transport;
        o.clock = a.clock;
        o.cache = ResponseCacheOptions{.ttl = 30s, .dir = a.dir, .wall_clock = [w = a.wall] { return w->now; }};
        auto made = Client::create(std::move(o));
        REQUIRE_MESSAGE(made.ok(), made.error().message);
        return std::move(*made);
    };
    const auto token_of = [](const std::string& app) {
        return mint_jwt(JwtClaims{"sub", app, 1, 4'000'000'000, std::nullopt}, "secret");
    };
    const auto outcome = [&](Client client) {
        CallStats stats;
        REQUIRE(client.call(*find_endpoint("skill-groups.list"), {}, &stats).ok());
        return stats.cache;
    };
    a.transport->push(200, kList);
    CHECK(outcome(client_of("client_id", "cs-b")) == CacheOutcome::miss);
    CHECK(outcome(client_of("token", token_of("cs-a"))) == CacheOutcome::hit);  // the token's appId: app a
    a.transport->push(200, kList);
    CHECK(outcome(client_of("token", token_of("cs-c"))) == CacheOutcome::miss);
    a.transport->push(200, kList);
    CHECK(outcome(client_of("token", "ready-token-not-a-jwt")) == CacheOutcome::miss);
    CHECK(a.transport->requests.size() == 4);
}
