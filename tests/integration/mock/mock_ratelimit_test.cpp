// ccai-mock: the rolling-window rate limit (per account), Retry-After, --count-rejected, hourly message.
#include <doctest/doctest.h>

#include <thread>

#include "support/mock_process.hpp"

using namespace ccai::mock::testing;

namespace {
const std::string kPath = std::string("/agentassist/api/v1/public/") + kBot + "/skill-groups";
const char* kMinuteMsg = "You've exceeded the per-minute rate limit. Please wait for sometime before retrying.";
const char* kHourMsg = "You've exceeded the hourly rate limit. Please wait for sometime before retrying.";

std::vector<int> statuses(httplib::Client& http, int n, const std::string& account = kAccount) {
    std::vector<int> out;
    for (int i = 0; i < n; ++i) {
        auto r = http.Get(kPath.c_str(), MockProcess::auth(account));
        REQUIRE(r);
        out.push_back(r->status);
    }
    return out;
}
}  // namespace

TEST_CASE("mock rate limit: N+1 calls in a window give exactly one 429 with the service's message") {
    MockProcess mock({"--rate-limit", "5/1m"});
    auto http = mock.http();
    for (int i = 0; i < 5; ++i) {
        auto r = http->Get(kPath.c_str(), MockProcess::auth());
        REQUIRE(r);
        CHECK(r->status == 200);
    }
    auto r = http->Get(kPath.c_str(), MockProcess::auth());
    REQUIRE(r);
    CHECK(r->status == 429);
    CHECK(json::parse(r->body) == json{{"errors", json::array({{{"msg", kMinuteMsg}, {"code", 429}}})}});
    CHECK_FALSE(r->has_header("Retry-After"));  // only with --retry-after
    // Another account has its own budget.
    auto other = http->Get(kPath.c_str(), MockProcess::auth("acc-other"));
    REQUIRE(other);
    CHECK(other->status == 200);
}

TEST_CASE("mock rate limit: the default is 60 per minute - 'none' disables it") {
    SUBCASE("default") {
        MockProcess mock;
        auto http = mock.http();
        const auto s = statuses(*http, 61);
        CHECK(std::count(s.begin(), s.end(), 200) == 60);
        CHECK(s.back() == 429);
    }
    SUBCASE("none") {
        MockProcess mock({"--rate-limit", "none"});
        auto http = mock.http();
        const auto s = statuses(*http, 70);
        CHECK(std::count(s.begin(), s.end(), 200) == 70);
    }
}

TEST_CASE("mock rate limit: the account is the accountid header else the path's accountId else the JWT appId") {
    MockProcess mock({"--rate-limit", "2/1m"});
    auto http = mock.http();
    const auto wfm = std::string("/agentassist/api/public/analytics/account/acc-path/queues");
    for (int i = 0; i < 2; ++i) CHECK(http->Get(wfm.c_str(), {{"auth", token()}})->status == 200);
    CHECK(http->Get(wfm.c_str(), {{"auth", token()}})->status == 429);
    // No header and no path account: counted against the app id, a separate budget.
    for (int i = 0; i < 2; ++i) CHECK(http->Get(kPath.c_str(), {{"auth", token()}})->status == 200);
    CHECK(http->Get(kPath.c_str(), {{"auth", token()}})->status == 429);
    const auto logs = mock.log();
    REQUIRE(logs.size() == 6);
    CHECK(logs[0]["account"] == "acc-path");
    CHECK(logs[3]["account"] == "cs-mock");
}

TEST_CASE("mock rate limit: the window rolls: a slot frees when the oldest call leaves it") {
    MockProcess mock({"--rate-limit", "3/1s"});
    auto http = mock.http();
    const auto first = statuses(*http, 4);
    CHECK(first == std::vector<int>{200, 200, 200, 429});
    std::this_thread::sleep_for(std::chrono::milliseconds(1100));  // the window itself is under test
    const auto second = statuses(*http, 4);
    CHECK(second == std::vector<int>{200, 200, 200, 429});
}

TEST_CASE("mock rate limit: --retry-after says how many seconds until a slot frees rounded up") {
    MockProcess mock({"--rate-limit", "2/1m", "--retry-after"});
    auto http = mock.http();
    statuses(*http, 2);
    auto r = http->Get(kPath.c_str(), MockProcess::auth());
    REQUIRE(r);
    CHECK(r->status == 429);
    REQUIRE(r->has_header("Retry-After"));
    const int secs = std::stoi(r->get_header_value("Retry-After"));
    CHECK(secs >= 59);
    CHECK(secs <= 60);
}

TEST_CASE("mock rate limit: rejected calls do not count unless --count-rejected") {
    SUBCASE("not counted") {
        MockProcess mock({"--rate-limit", "2/1s"});
        auto http = mock.http();
        CHECK(statuses(*http, 5) == std::vector<int>{200, 200, 429, 429, 429});
        std::this_thread::sleep_for(std::chrono::milliseconds(1100));
        CHECK(statuses(*http, 3) == std::vector<int>{200, 200, 429});
    }
    SUBCASE("counted") {
        // Rejected calls keep the window full: after the first window passes, the rejections made later
        // still occupy it, so a caller hammering through 429s stays locked out.
        MockProcess mock({"--rate-limit", "2/1s", "--count-rejected"});
        auto http = mock.http();
        CHECK(statuses(*http, 2) == std::vector<int>{200, 200});
        std::this_thread::sleep_for(std::chrono::milliseconds(600));
        CHECK(statuses(*http, 3) == std::vector<int>{429, 429, 429});
        std::this_thread::sleep_for(std::chrono::milliseconds(500));  // the two accepted calls have left
        CHECK(statuses(*http, 1) == std::vector<int>{429});            // the rejected ones have not
    }
}

TEST_CASE("mock rate limit: several windows - an hourly window answers with the hourly message") {
    MockProcess mock({"--rate-limit", "10/1m,3/1h"});
    auto http = mock.http();
    CHECK(statuses(*http, 3) == std::vector<int>{200, 200, 200});
    auto r = http->Get(kPath.c_str(), MockProcess::auth());
    REQUIRE(r);
    CHECK(r->status == 429);
    CHECK(json::parse(r->body)["errors"][0]["msg"] == kHourMsg);
}

TEST_CASE("mock rate limit: an invalid spec is refused at start") {
    const auto r = ccai::test::run({ccai::test::mock_path(), "--port", "0", "--rate-limit", "lots"});
    CHECK(r.exit_code == 2);
    CHECK(r.err.find("--rate-limit") != std::string::npos);
}
