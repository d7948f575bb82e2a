// Kill -9 a running batch at random moments, resume until done: no line lost, no create sent twice, and the
// results file holds exactly one final record per line.
#include <doctest/doctest.h>

#include <fstream>
#include <map>
#include <random>
#include <set>
#include <thread>

#include "cli_support.hpp"

using namespace ccai;
using ccai::mock::testing::MockProcess;
using nlohmann::json;

namespace {

std::vector<json> json_lines(const std::string& path) {
    std::vector<json> out;
    std::ifstream in(path);
    for (std::string line; std::getline(in, line);)
        if (!line.empty()) out.push_back(json::parse(line));
    return out;
}

std::vector<std::string> batch_argv(const std::string& input, const std::string& results) {
    return {CCAI_CLI_PATH, "batch", "--input", input, "--results", results, "--resume", "--concurrency", "4"};
}

}  // namespace

TEST_CASE("batch resume: SIGKILL at random points loses no line and duplicates no create") {
    constexpr int kLines = 40;
    MockProcess mock({"--rate-limit", "none", "--latency", "15"});
    auto env = test::cli_env(mock);
    env["CCAI_RATE_LIMIT"] = "60/1s";  // ~0.7 s of work: kills land before, during and after requests
    const auto dir = test::temp_dir();
    const auto input = dir + "/in.jsonl";
    {
        std::ofstream out(input);
        for (int i = 1; i <= kLines; ++i)
            out << json{{"op", "skill-groups.create"}, {"body", {{"name", "g" + std::to_string(i)}}}}.dump() << "\n";
    }
    const auto results = dir + "/results.jsonl";
    std::mt19937 rng(std::random_device{}());
    for (int round = 0; round < 4; ++round) {
        test::Background run(batch_argv(input, results), env, false);
        std::this_thread::sleep_for(std::chrono::milliseconds(std::uniform_int_distribution<int>(30, 400)(rng)));
        run.kill(SIGKILL);
    }
    auto last = test::run(batch_argv(input, results), env);
    INFO(last.err);
    CHECK((last.exit_code == 0 || last.exit_code == 10));

    const auto rows = json_lines(results);
    std::map<long long, json> by_line;
    for (const auto& r : rows) CHECK(by_line.emplace(r["line"].get<long long>(), r).second);  // exactly once
    CHECK(by_line.size() == kLines);

    // The service's view: each POST made one group, so unique names == POSTs means nothing was sent twice.
    long long posts = 0;
    for (const auto& e : mock.log()) posts += e.value("op", "") == "skill-groups.create";
    auto list = test::cli({"skill-groups", "list", "--all"}, test::cli_env(mock));
    REQUIRE(list.exit_code == 0);
    std::multiset<std::string> names;
    std::istringstream lines(list.out);
    for (std::string l; std::getline(lines, l);) names.insert(json::parse(l)["name"].get<std::string>());
    CHECK(static_cast<long long>(names.size()) == posts);
    CHECK(std::set<std::string>(names.begin(), names.end()).size() == names.size());
    for (const auto& [line, r] : by_line) {
        const auto name = "g" + std::to_string(line);
        if (r["outcome"] == "ok") CHECK(names.count(name) == 1);
        else CHECK(r["outcome"] == "in-doubt");  // killed mid-request: reported, not re-sent
        CHECK(names.count(name) <= 1);
    }
}
