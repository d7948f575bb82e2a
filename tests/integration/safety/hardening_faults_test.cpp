// Hardening: ccai-cli against a faulty ccai-mock. GETs are retried to success, POSTs are never
// duplicated, and the final exit codes say what happened. Retry backoff starts at 1 s, so attempts stay low.
#include <doctest/doctest.h>
#include <sys/stat.h>

#include <fstream>
#include <map>

#include "support/cli_support.hpp"

using namespace ccai;
using ccai::mock::testing::MockProcess;

namespace {
const std::string kGroupsPath = std::string("/agentassist/api/v1/public/") + ccai::mock::testing::kBot + "/skill-groups";

long count(const std::vector<nlohmann::json>& log, const std::string& method) {
    return std::count_if(log.begin(), log.end(), [&](const nlohmann::json& l) {
        return l.value("method", "") == method && l.value("path", "").starts_with(kGroupsPath);
    });
}
}  // namespace

TEST_CASE("hardening faults: GETs are retried to success under 503s and dropped connections") {
    for (const char* fault : {"--fail-rate", "--drop-rate"}) {
        CAPTURE(fault);
        MockProcess mock({"--rate-limit", "none", fault, "0.5", "--seed", "7"});
        auto env = test::cli_env(mock);
        env["CCAI_MAX_ATTEMPTS"] = "8";
        int ok = 0;
        for (int i = 0; i < 4; ++i) ok += test::cli({"skill-groups", "list"}, env).exit_code == 0;
        CHECK(ok == 4);
        const auto log = mock.log();
        CHECK(count(log, "GET") > 4);  // some calls took more than one attempt
        const auto failed = std::count_if(log.begin(), log.end(), [](const nlohmann::json& l) {
            return l["status"] == 503 || l.value("dropped", false);
        });
        CHECK(failed == count(log, "GET") - 4);  // every failed attempt was followed by one more, then success
    }
}

TEST_CASE("hardening faults: a POST is never sent twice when the answer is lost") {
    MockProcess always({"--rate-limit", "none", "--drop-after-rate", "1"});
    auto env = test::cli_env(always);
    env["CCAI_MAX_ATTEMPTS"] = "4";
    auto lost = test::cli({"skill-groups", "create", "--set", "name=once"}, env);
    CHECK(lost.exit_code == 9);
    CHECK(lost.out.empty());
    CHECK(lost.err.find("\"network\"") != std::string::npos);
    CHECK(count(always.log(), "POST") == 1);

    MockProcess flaky({"--rate-limit", "none", "--drop-after-rate", "0.5", "--seed", "3"});
    env = test::cli_env(flaky);
    env["CCAI_MAX_ATTEMPTS"] = "4";
    std::map<int, int> exits;
    const int n = 8;
    for (int i = 0; i < n; ++i)
        ++exits[test::cli({"skill-groups", "create", "--set", "name=g" + std::to_string(i)}, env).exit_code];
    CHECK(exits[0] + exits[9] == n);
    CHECK(exits[9] > 0);
    CHECK(exits[0] > 0);
    CHECK(count(flaky.log(), "POST") == n);  // each create exactly once, whether or not its answer arrived

    // The same through batch: in-doubt lines are recorded, not re-sent; the exit code says so.
    const auto dir = test::temp_dir();
    std::ofstream in(dir + "/in.jsonl");
    for (int i = 0; i < n; ++i) in << R"({"op":"skill-groups.create","body":{"name":"b)" << i << "\"}}\n";
    in.close();
    auto batch = test::cli({"batch", "--input", dir + "/in.jsonl", "--results", dir + "/out.jsonl"}, env);
    CHECK(batch.exit_code == 10);
    CHECK(count(flaky.log(), "POST") == 2 * n);
    std::ifstream results(dir + "/out.jsonl");
    int in_doubt = 0, lines = 0;
    for (std::string line; std::getline(results, line); ++lines)
        in_doubt += nlohmann::json::parse(line)["outcome"] == "in-doubt";
    CHECK(lines == n);
    CHECK(in_doubt > 0);
}

TEST_CASE("hardening faults: exit codes when faults persist") {
    MockProcess failing({"--rate-limit", "none", "--fail-rate", "1"});
    auto env = test::cli_env(failing);
    env["CCAI_MAX_ATTEMPTS"] = "2";
    auto get = test::cli({"skill-groups", "list"}, env);
    CHECK(get.exit_code == 8);
    CHECK(get.out.empty());
    CHECK(count(failing.log(), "GET") == 2);  // max attempts, then give up

    MockProcess dropping({"--rate-limit", "none", "--drop-rate", "1"});
    env = test::cli_env(dropping);
    env["CCAI_MAX_ATTEMPTS"] = "2";
    CHECK(test::cli({"skill-groups", "list"}, env).exit_code == 9);
    CHECK(count(dropping.log(), "GET") == 2);
    // A POST whose connection dropped may have reached the service: sent once, exit 9.
    CHECK(test::cli({"skill-groups", "create", "--set", "name=x"}, env).exit_code == 9);
    CHECK(count(dropping.log(), "POST") == 1);

    // Slow answers past --timeout are network errors (exit 9) for a GET after its attempts.
    MockProcess slow({"--rate-limit", "none", "--latency", "2500"});
    env = test::cli_env(slow);
    env["CCAI_MAX_ATTEMPTS"] = "1";
    env["CCAI_TIMEOUT"] = "1";
    auto timed_out = test::cli({"skill-groups", "list"}, env);
    CHECK(timed_out.exit_code == 9);
    CHECK(timed_out.err.find("\"network\"") != std::string::npos);
}

TEST_CASE("hardening faults: an unusable pacer state directory is a config error before sending") {
    MockProcess mock({"--rate-limit", "none"});
    const auto dir = test::temp_dir();
    auto env = test::cli_env(mock, dir);
    env["CCAI_PACER"] = "file";
    std::ofstream(dir + "/not-a-dir") << "x";
    for (const auto& bad : {dir + "/not-a-dir", dir + "/not-a-dir/sub", std::string("/proc/ccai-no-such-dir")}) {
        auto e = env;
        e["CCAI_PACER_DIR"] = bad;
        auto r = test::cli({"queues", "list"}, e);
        CAPTURE(bad);
        CHECK(r.exit_code == 3);
        CHECK(r.err.find("\"config\"") != std::string::npos);
        CHECK(r.out.empty());
    }
    ::mkdir((dir + "/open").c_str(), 0777);
    ::chmod((dir + "/open").c_str(), 0777);  // world-writable: refused
    env["CCAI_PACER_DIR"] = dir + "/open";
    auto r = test::cli({"queues", "list"}, env);
    CHECK(r.exit_code == 3);
    CHECK(r.err.find(dir + "/open") != std::string::npos);
    CHECK(mock.log().empty());
}
