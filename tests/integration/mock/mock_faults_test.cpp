// ccai-mock: fault switches (latency, 503s, dropped connections, drop after processing, seeds) and
// 64 simultaneous connections.
#include <doctest/doctest.h>

#include <atomic>
#include <thread>

#include "support/mock_process.hpp"

using namespace ccai::mock::testing;

namespace {
const std::string kGroups = std::string("/agentassist/api/v1/public/") + kBot + "/skill-groups";

std::vector<int> statuses(MockProcess& mock, int n) {
    std::vector<int> out;
    auto http = mock.http();
    for (int i = 0; i < n; ++i) {
        auto r = http->Get(kGroups.c_str(), MockProcess::auth());
        out.push_back(r ? r->status : 0);
    }
    return out;
}
}  // namespace

TEST_CASE("mock faults: --latency delays calls (seen in the log's ms)") {
    MockProcess mock({"--latency", "150-200"});
    statuses(mock, 3);
    const auto logs = mock.log();
    REQUIRE(logs.size() == 3);
    for (const auto& l : logs) CHECK(l["ms"].get<long long>() >= 150);
    MockProcess fixed({"--latency", "120"});
    statuses(fixed, 1);
    CHECK(fixed.log().at(0)["ms"].get<long long>() >= 120);
}

TEST_CASE("mock faults: --fail-rate 1 answers 503 and never changes state") {
    MockProcess mock({"--fail-rate", "1"});
    auto http = mock.http();
    auto r = http->Post(kGroups.c_str(), MockProcess::auth(), R"({"name":"x"})", "application/json");
    REQUIRE(r);
    CHECK(r->status == 503);
    CHECK(json::parse(r->body)["errors"][0]["code"] == 503);
    auto sdk = mock.sdk();
    auto res = call(*sdk, "skill-groups.list");
    REQUIRE_FALSE(res);
    CHECK(res.error().http_status == 503);
    CHECK(res.error().kind == ccai::ErrorKind::server);
}

TEST_CASE("mock faults: --drop-rate 1 drops the connection: a transport error no status no state change") {
    MockProcess mock({"--drop-rate", "1", "--rate-limit", "none"});
    auto http = mock.http();
    auto r = http->Post(kGroups.c_str(), MockProcess::auth(), R"({"name":"x"})", "application/json");
    CHECK_FALSE(r);
    auto sdk = mock.sdk();
    auto res = call(*sdk, "skill-groups.create", {}, json{{"name", "y"}});
    REQUIRE_FALSE(res);
    CHECK(res.error().http_status == 0);
    CHECK(res.error().kind == ccai::ErrorKind::network);
    const auto logs = mock.log();
    REQUIRE(logs.size() == 2);
    for (const auto& l : logs) {
        CHECK(l["status"] == 0);
        CHECK(l["dropped"] == true);
    }
}

TEST_CASE("mock faults: --drop-after-rate 1 processes the request then drops the answer") {
    MockProcess mock({"--drop-after-rate", "1"});
    auto http = mock.http();
    auto r = http->Post(kGroups.c_str(), MockProcess::auth(), R"({"name":"kept"})", "application/json");
    CHECK_FALSE(r);
    const auto logs = mock.log();
    REQUIRE(logs.size() == 1);
    CHECK(logs[0]["status"] == 200);
    CHECK(logs[0]["dropped"] == true);
    // The handler ran (status 200 in the log) although the client never heard: a client must not re-send
    // such a POST. The SDK, even with attempts to spare, sends it once.
    auto sdk = mock.sdk(3);
    auto res = call(*sdk, "skill-groups.create", {}, json{{"name", "again"}});
    REQUIRE_FALSE(res);
    CHECK(res.error().kind == ccai::ErrorKind::network);
    const auto after = mock.log();
    CHECK(after.size() == 2);
}

TEST_CASE("mock faults: the same seed gives the same fault sequence") {
    const auto run = [](const std::string& seed) {
        MockProcess mock({"--fail-rate", "0.5", "--seed", seed, "--rate-limit", "none"});
        return statuses(mock, 24);
    };
    const auto a = run("42"), b = run("42"), c = run("43");
    CHECK(a == b);
    CHECK(a != c);
    CHECK(std::count(a.begin(), a.end(), 503) > 0);
    CHECK(std::count(a.begin(), a.end(), 200) > 0);
}

TEST_CASE("mock concurrency: 64 simultaneous connections are all answered and logged") {
    MockProcess mock({"--rate-limit", "none", "--latency", "200"});
    std::atomic<int> ok{0};
    std::vector<std::thread> threads;
    for (int i = 0; i < 64; ++i)
        threads.emplace_back([&, i] {
            httplib::Client c("127.0.0.1", mock.port());
            c.set_read_timeout(30, 0);
            c.set_keep_alive(true);  // each connection stays open while the others are served
            const auto body = json{{"name", "g" + std::to_string(i)}}.dump();
            auto r = c.Post(kGroups.c_str(), MockProcess::auth(), body, "application/json");
            if (r && r->status == 200) ++ok;
            else MESSAGE("request ", i, ": ", r ? std::to_string(r->status) : httplib::to_string(r.error()));
        });
    for (auto& t : threads) t.join();
    CHECK(ok == 64);
    CHECK(mock.log().size() == 64);
    auto http = mock.http();
    auto list = http->Get((kGroups + "?limit=100").c_str(), MockProcess::auth());
    REQUIRE(list);
    CHECK(json::parse(list->body)["totalResults"] == 64);
}
