// The generator refuses a catalog row that breaks the schema's rules, naming the row and the rule, so a
// mistake in endpoints.json stops the build instead of reaching the SDK: a pagination unit that contradicts
// its cursor, a one-of member that is required itself or not listed, no read_only, no rate_limit.
#include <doctest/doctest.h>

#include <filesystem>
#include <functional>
#include <fstream>

#include <nlohmann/json.hpp>

#include "support/process.hpp"

using nlohmann::json;

namespace {

json valid_row() {
    return json::parse(R"({"id":"things.list","group":"things","action":"list","title":"t","doc":"d.md","method":"POST",
        "path":"/x/{botId}","path_params":[{"name":"botId","type":"string","required":true,"desc":"b"}],
        "query_params":[],"const_query":null,"headers":[],"content_type":"application/json",
        "body":[{"name":"a","type":"string","required":false,"desc":"a"},{"name":"b","type":"string","required":false,"desc":"b"}],
        "one_of":[{"in":"body","names":["a","b"],"count":"exactly-one"}],
        "response_fields":[],"response_list_key":"results",
        "pagination":{"style":"skip-limit","params":["skip"],"unit":"items","notes":""},
        "notes":"","read_only":true,"rate_limit":{"per":"account","limit":"60/1m","listed":false}})");
}

ccai::test::RunResult generate(const json& row) {
    const auto dir = ccai::test::temp_dir();
    std::filesystem::create_directories(dir + "/out/ccai");
    std::ofstream(dir + "/catalog.json") << json::array({row}).dump();
    return ccai::test::run({std::string(CCAI_BINARY_DIR) + "/endpoints/gen_endpoints", dir + "/catalog.json", dir + "/out"});
}

}  // namespace

TEST_CASE("catalog generator: a valid row passes, each broken rule is refused by name") {
    REQUIRE(generate(valid_row()).exit_code == 0);
    struct Case {
        const char* why;
        std::function<void(json&)> edit;
        const char* says;
    };
    const std::vector<Case> cases = {
        {"skip counts items", [](json& r) { r["pagination"]["unit"] = "pages"; }, "unit must be \"items\""},
        {"page counts pages", [](json& r) { r["pagination"] = {{"style", "page"}, {"params", json::array()}, {"unit", "items"}, {"notes", ""}}; }, "unit must be \"pages\""},
        {"offset says which", [](json& r) { r["pagination"] = {{"style", "offset"}, {"params", json::array()}, {"notes", ""}}; }, "\"pages\" or \"items\""},
        {"a required member", [](json& r) { r["body"][0]["required"] = true; }, "cannot be required itself"},
        {"an unlisted member", [](json& r) { r["one_of"][0]["names"][1] = "c"; }, "is not a listed body field"},
        {"one member only", [](json& r) { r["one_of"][0]["names"] = json::array({"a"}); }, "two members or more"},
        {"an unknown count", [](json& r) { r["one_of"][0]["count"] = "some"; }, "'count'"},
        {"no read_only", [](json& r) { r.erase("read_only"); }, "read_only must be true or false"},
        {"a rate limit not the account's", [](json& r) { r["rate_limit"]["per"] = "app"; }, "rate_limit must be"},
    };
    for (const auto& c : cases) {
        CAPTURE(c.why);
        auto row = valid_row();
        c.edit(row);
        const auto r = generate(row);
        CHECK(r.exit_code == 1);
        CHECK(r.err.find("things.list: ") != std::string::npos);
        CHECK(r.err.find(c.says) != std::string::npos);
    }
}
