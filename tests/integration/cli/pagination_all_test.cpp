// `--all` against ccai-mock over each pagination style: every item once, --max-items, JSON Lines out.
#include <doctest/doctest.h>

#include <set>

#include "support/cli_support.hpp"

using namespace ccai;
using ccai::mock::testing::call;
using ccai::mock::testing::MockProcess;
using ccai::mock::testing::sms_campaign;
using ccai::mock::testing::voice_campaign;
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
    CHECK(all_items(env, {"wfm", "get-contact-volume", "--body", R"({"toTimeStamp":"2024-01-02T00:00:00Z","limit":8})"}).size() == 37);
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
        lines += json{{"op", "queues.create"}, {"body", {{"name", "q" + std::to_string(i)}, {"hoursOfOperation", {{"id", "h-1"}}}}}}.dump() + "\n";
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

namespace {

json must(const Result<json>& r) {
    INFO((r.ok() ? std::string() : r.error().message));
    REQUIRE(r.ok());
    return *r;
}

long long requests_for(const MockProcess& mock, const std::string& op) {
    long long n = 0;
    for (const auto& e : mock.log()) n += e.value("op", "") == op;
    return n;
}

}  // namespace

// campaigns.list ("page/skip-limit in request body", ends on hasMore) and voice-campaigns.list-contacts
// ("page in request body", no hasMore: ends on totalPages). The mock's log has no bodies, so "each page
// once" is checked as: every item exactly once and exactly ceil(items / limit) requests.
TEST_CASE("pagination --all with paging in the request body: campaigns.list and voice-campaigns.list-contacts") {
    MockProcess mock({"--rate-limit", "none"});
    auto env = test::cli_env(mock);
    auto sdk = mock.sdk();
    for (int i = 0; i < 23; ++i) must(call(*sdk, "sms-campaigns.create-simple", {}, sms_campaign("c" + std::to_string(i))));
    // Another type in the same store: the body's "type" filter must survive the paging fields being added.
    const auto campaign = must(call(*sdk, "voice-campaigns.create-progressive", {}, voice_campaign("v", "Dial")))["data"]["_id"].get<std::string>();
    must(call(*sdk, "contact-lists.create", {}, json{{"name", "Dial"}, {"description", "d"}, {"source", "passiveApi"}}));
    json contacts = json::array();
    for (int i = 0; i < 24; ++i) contacts.push_back({{"phoneNumber", "+1555000" + std::to_string(100 + i)}});
    must(call(*sdk, "contact-lists.add-contacts", {}, json{{"contact_list_name", "Dial"}, {"data", contacts}}));

    SUBCASE("campaigns.list: skip/limit in the body, 23 items in pages of 5") {
        const auto before = requests_for(mock, "campaigns.list");
        const auto items = all_items(env, {"campaigns", "list", "--body", R"({"type":"sms","limit":5})"});
        std::set<std::string> names;
        for (const auto& it : items) names.insert(it["name"].get<std::string>());
        CHECK(items.size() == 23);
        CHECK(names.size() == 23);
        for (int i = 0; i < 23; ++i) CHECK(names.count("c" + std::to_string(i)) == 1);
        CHECK(requests_for(mock, "campaigns.list") - before == 5);  // 5+5+5+5+3, hasMore false on the last

        // The default page size (the mock's 10): 3 pages, and the voice campaign stays filtered out.
        CHECK(all_items(env, {"campaigns", "list", "--body", R"({"type":"sms"})"}).size() == 23);
        const auto v = all_items(env, {"campaigns", "list", "--body", R"({"type":"voice","limit":5})"});
        REQUIRE(v.size() == 1);
        CHECK(v[0]["name"] == "v");
    }
    SUBCASE("campaigns.list: --max-items stops early, without fetching further pages") {
        const auto before = requests_for(mock, "campaigns.list");
        auto r = test::cli({"campaigns", "list", "--body", R"({"type":"sms","limit":5})", "--all", "--max-items", "7"}, env);
        INFO(r.err);
        REQUIRE(r.exit_code == 0);
        std::set<std::string> lines;
        std::istringstream in(r.out);
        for (std::string l; std::getline(in, l);) CHECK(lines.insert(json::parse(l)["name"].get<std::string>()).second);
        CHECK(lines.size() == 7);
        CHECK(requests_for(mock, "campaigns.list") - before == 2);
    }
    SUBCASE("voice-campaigns.list-contacts: page/limit in the body, 24 contacts in pages of 4, no hasMore") {
        const auto before = requests_for(mock, "voice-campaigns.list-contacts");
        const auto items = all_items(env, {"voice-campaigns", "list-contacts", "--campaign-id", campaign, "--body", R"({"limit":4})"});
        std::set<std::string> phones;
        for (const auto& it : items) phones.insert(it["phoneNumber"].get<std::string>());
        CHECK(items.size() == 24);
        CHECK(phones.size() == 24);
        // An exact multiple of the page size: totalPages ends it, with no extra empty page.
        CHECK(requests_for(mock, "voice-campaigns.list-contacts") - before == 6);

        auto r = test::cli({"voice-campaigns", "list-contacts", "--campaign-id", campaign, "--body", R"({"limit":4})",
                            "--all", "--max-items", "6"}, env);
        INFO(r.err);
        REQUIRE(r.exit_code == 0);
        CHECK(std::count(r.out.begin(), r.out.end(), '\n') == 6);
        CHECK(requests_for(mock, "voice-campaigns.list-contacts") - before == 6 + 2);

        // Starting from a page the user gave: pages 3..6 only.
        const auto rest = all_items(env, {"voice-campaigns", "list-contacts", "--campaign-id", campaign, "--body", R"({"limit":4,"page":3})"});
        CHECK(rest.size() == 16);
    }
}
