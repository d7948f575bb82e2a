// `--all` against ccai-mock over each pagination style: every item once, --max-items, JSON Lines out.
#include <doctest/doctest.h>

#include <set>

#include "cli_support.hpp"

using namespace ccai;
using ccai::mock::testing::MockProcess;
using nlohmann::json;

namespace {

// Runs `args --all`, returning the items (each must be a JSON line) and checking none repeats.
std::vector<json> all_items(const std::map<std::string, std::string>& env, std::vector<std::string> args) {
    args.push_back("--all");
    auto r = test::cli(args, env);
    INFO(args[0], " ", args[1], ": ", r.err);
    REQUIRE(r.exit_code == 0);
    std::vector<json> out;
    std::set<std::string> seen;
    std::istringstream in(r.out);
    for (std::string line; std::getline(in, line);) {
        CHECK(seen.insert(line).second);
        out.push_back(json::parse(line));
    }
    return out;
}

}  // namespace

TEST_CASE("pagination --all: skip/limit, page, offset (records and pages), and paging in the body") {
    MockProcess mock({"--rate-limit", "none"});
    auto env = test::cli_env(mock);
    // The mock synthesizes 37 items for read-only lists: not a multiple of any page size used here.
    CHECK(all_items(env, {"conversations", "list", "--limit", "10"}).size() == 37);
    CHECK(all_items(env, {"wfm", "list-agents", "--limit", "5"}).size() == 37);
    CHECK(all_items(env, {"wfm", "get-contact-volume", "--body", R"({"orgId":"o","toTimeStamp":"2024-01-02T00:00:00Z","limit":8})"}).size() == 37);
    CHECK(all_items(env, {"analytics", "agent-status-summary", "--limit", "10", "--body",
                          R"({"filter":{"dateFilter":{"startDate":"2024-01-01","endDate":"2024-01-02"}},"granularity":"daily"})"})
              .size() == 37);
    CHECK(all_items(env, {"analytics", "call-details", "--limit", "10", "--body",
                          R"({"startDate":"2024-01-01","endDate":"2024-01-02","timeZoneOffset":0})"})
              .size() == 37);
    auto first7 = test::cli({"conversations", "list", "--all", "--max-items", "7", "--limit", "5"}, env);
    CHECK(first7.exit_code == 0);
    CHECK(std::count(first7.out.begin(), first7.out.end(), '\n') == 7);
}

TEST_CASE("pagination --all over created items: page in the query and undocumented page/skip params") {
    MockProcess mock({"--rate-limit", "none"});
    auto env = test::cli_env(mock);
    const auto dir = test::temp_dir();
    std::string lines;
    for (int i = 0; i < 23; ++i) {
        lines += json{{"op", "skill-groups.create"}, {"body", {{"name", "sg" + std::to_string(i)}}}}.dump() + "\n";
        lines += json{{"op", "agent-groups.create"}, {"body", {{"name", "ag" + std::to_string(i)}, {"description", "d"}}}}.dump() + "\n";
        lines += json{{"op", "queues.create"}, {"body", {{"name", "q" + std::to_string(i)}}}}.dump() + "\n";
    }
    auto created = test::cli({"batch", "--input", "-", "--concurrency", "2"}, env, lines);
    INFO(created.err);
    // Queues may need more fields than a name in the mock; count what was created and compare with --all.
    std::map<std::string, long long> ok;
    std::istringstream in(created.out);
    for (std::string l; std::getline(in, l);) {
        const auto r = json::parse(l);
        if (r["outcome"] == "ok") ++ok[r["op"].get<std::string>()];
    }
    CHECK(ok["skill-groups.create"] == 23);
    CHECK(ok["agent-groups.create"] == 23);
    CHECK(all_items(env, {"skill-groups", "list"}).size() == 23);
    CHECK(all_items(env, {"agent-groups", "list"}).size() == 23);
    CHECK(static_cast<long long>(all_items(env, {"queues", "list"}).size()) == ok["queues.create"]);
}
