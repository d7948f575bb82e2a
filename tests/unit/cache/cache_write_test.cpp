// A write whose outcome is unknown may have been applied: it drops its resource's answers as a success does.
#include <doctest/doctest.h>

#include "unit/cache/cache_harness.hpp"

using namespace ccai;
using namespace ccai::test::cache;

TEST_CASE("a write that timed out, failed in transit or got a 5xx drops its resource's answers; a 4xx does not") {
    Harness h(30s, kMaxCacheEntryBytes, nullptr, "acc", {{"max_attempts", "1"}});
    CallArgs del;
    del.params["agentId"] = "a-1";
    const auto cached_after = [&](const std::function<void()> write_answer) {
        h.transport->push(200, R"({"agents":[]})");
        CallStats first;
        REQUIRE(h.client->call(*find_endpoint("agents.list"), {}, &first).ok());  // fetched (again)
        REQUIRE(first.cache == CacheOutcome::miss);
        h.wall->now += 1s;
        write_answer();
        CHECK_FALSE(h.client->call(*find_endpoint("agents.delete"), del).ok());
        h.wall->now += 1s;
        CallStats after;
        if (h.transport->queue.empty()) h.transport->push(200, R"({"agents":[]})");
        REQUIRE(h.client->call(*find_endpoint("agents.list"), {}, &after).ok());
        const bool hit = after.cache == CacheOutcome::hit;
        if (hit) h.transport->queue.clear();
        h.wall->now += 31s;  // each round starts from an expired answer
        return hit;
    };
    CHECK(cached_after([&] { h.transport->push(404); }));
    CHECK_FALSE(cached_after([&] { h.transport->push(500); }));
    CHECK_FALSE(cached_after([&] { h.transport->push(503); }));
    CHECK_FALSE(cached_after([&] {
        ApiError e;
        e.kind = ErrorKind::network;
        e.message = "Operation timed out after 60000 milliseconds";
        h.transport->push_error(e);
    }));
}
