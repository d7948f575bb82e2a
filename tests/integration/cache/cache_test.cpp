// --cache end to end: real ccai-cli processes against a real ccai-mock, counted in the mock's request log.
#include <doctest/doctest.h>

#include <sys/stat.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <thread>

#include "support/cli_support.hpp"

using namespace ccai::test;
using ccai::mock::testing::MockProcess;

namespace {

int count(const MockProcess& mock, const std::string& method) {
    const auto log = mock.log();
    return static_cast<int>(std::count_if(log.begin(), log.end(), [&](const auto& l) { return l.value("method", "") == method; }));
}

RunResult sh(const std::string& script, const std::map<std::string, std::string>& env) {
    return run_for(std::chrono::seconds(120), {"bash", "-c", script}, env);
}

}  // namespace

TEST_CASE("cache: two identical GETs within the TTL make one request; after the TTL, two") {
    MockProcess mock;
    const auto env = cli_env(mock);
    const auto first = cli({"skill-groups", "list", "--cache", "2s"}, env);
    REQUIRE_MESSAGE(first.exit_code == 0, first.err);
    const auto second = cli({"-v", "skill-groups", "list", "--cache", "2s"}, env);
    REQUIRE_MESSAGE(second.exit_code == 0, second.err);
    CHECK(second.out == first.out);
    CHECK(second.err.find("* cache hit (age 0s)\n") != std::string::npos);
    CHECK(count(mock, "GET") == 1);
    std::this_thread::sleep_for(std::chrono::milliseconds(2100));
    const auto third = cli({"skill-groups", "list", "--cache", "2s"}, env);
    REQUIRE_MESSAGE(third.exit_code == 0, third.err);
    CHECK(count(mock, "GET") == 2);
    // --cache 0 (the default) bypasses it: the answer is still fresh, yet asked for again.
    REQUIRE(cli({"skill-groups", "list"}, env).exit_code == 0);
    REQUIRE(cli({"skill-groups", "list", "--cache", "0"}, env).exit_code == 0);
    CHECK(count(mock, "GET") == 4);
}

TEST_CASE("cache: a POST is never cached, and a successful write drops its family's answers") {
    MockProcess mock;
    auto env = cli_env(mock);
    env["CCAI_CACHE"] = "5m";  // the setting from the environment, as from a profile
    for (int i = 0; i < 2; ++i) {
        const auto r = cli({"skill-groups", "create", "--set", "name=Languages"}, env);
        REQUIRE_MESSAGE(r.exit_code == 0, r.err);
    }
    CHECK(count(mock, "POST") == 2);
    REQUIRE(cli({"skill-groups", "list"}, env).exit_code == 0);
    REQUIRE(cli({"agents", "list"}, env).exit_code == 0);
    REQUIRE(cli({"skill-groups", "list"}, env).exit_code == 0);
    CHECK(count(mock, "GET") == 2);
    REQUIRE(cli({"skill-groups", "create", "--set", "name=Tier-1"}, env).exit_code == 0);
    const auto after = cli({"-o", "json", "skill-groups", "list"}, env);
    REQUIRE(after.exit_code == 0);
    CHECK(after.out.find("Tier-1") != std::string::npos);  // not the answer from before the write
    REQUIRE(cli({"agents", "list"}, env).exit_code == 0);  // another family: still cached
    CHECK(count(mock, "GET") == 3);
}

TEST_CASE("cache: twenty identical ccai-cli calls at once make one request") {
    MockProcess mock;
    const auto env = cli_env(mock);
    std::string script;
    for (int i = 0; i < 20; ++i)
        script += "('" + std::string(cli_path()) + "' skill-groups list --cache 1m >/dev/null || echo failed) & ";
    script += "wait";
    const auto r = sh(script, env);
    CHECK_MESSAGE(r.exit_code == 0, r.err);
    CHECK(r.out.empty());
    CHECK(count(mock, "GET") == 1);
}

TEST_CASE("cache: a cache directory others may use is refused, and cache clear empties the cache") {
    MockProcess mock;
    const auto home = temp_dir();
    const auto env = cli_env(mock, home);
    const auto dir = env.at("XDG_CACHE_HOME") + "/ccai";
    std::filesystem::create_directories(dir);
    ::chmod(dir.c_str(), 0755);
    const auto refused = cli({"skill-groups", "list", "--cache", "30s"}, env);
    CHECK(refused.exit_code == 3);
    CHECK(refused.out.empty());
    CHECK(error_of(refused)["message"] == "cache: " + dir + " may be used by others (mode 755): run chmod 700 " + dir);
    CHECK(mock.log().empty());
    CHECK(cli({"cache", "clear"}, env).exit_code == 3);
    ::chmod(dir.c_str(), 0700);
    REQUIRE(cli({"skill-groups", "list", "--cache", "30s"}, env).exit_code == 0);
    const auto cleared = cli({"-o", "json", "cache", "clear"}, env);
    REQUIRE_MESSAGE(cleared.exit_code == 0, cleared.err);
    CHECK(cleared.out == "{\"cleared\":true,\"entries\":1}\n");
    REQUIRE(cli({"skill-groups", "list", "--cache", "30s"}, env).exit_code == 0);
    CHECK(count(mock, "GET") == 2);
    const auto bad = cli({"skill-groups", "list", "--cache", "-5s"}, env);
    CHECK(bad.exit_code == 2);
}

TEST_CASE("cache: ccai-cli api GETs of a read-only operation are cached, --watch polls are not") {
    MockProcess mock;
    const auto env = cli_env(mock);
    for (int i = 0; i < 2; ++i) {
        const auto r = cli({"api", "GET", "/agentassist/api/v1/public/{botId}/skill-groups", "--cache", "30s"}, env);
        REQUIRE_MESSAGE(r.exit_code == 0, r.err);
    }
    CHECK(count(mock, "GET") == 1);
    // The same answer is in the cache, yet a watch asks the service at every poll (here: stopped by its time).
    const auto watched = cli_for(std::chrono::milliseconds(2500),
                                 {"skill-groups", "list", "--cache", "30s", "--watch", "1s", "--every"}, env);
    CHECK(watched.timed_out);
    CHECK(count(mock, "GET") >= 3);
}
