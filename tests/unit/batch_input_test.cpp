// Batch input: JSON Lines and CSV parsing, column mapping, and validation with line numbers.
#include <doctest/doctest.h>

#include <sstream>

#include "ccai/batch.hpp"

using namespace ccai;
using nlohmann::json;

namespace {

Config test_config() {
    Config c;
    c.set("host", "https://ccai.test", "test");
    c.set("bot_id", "st-bot", "test");
    c.set("account_id", "acc-1", "test");
    c.set("org_id", "org-1", "test");
    return c;
}

batch::Input jsonl(const std::string& text) {
    std::istringstream in(text);
    auto input = batch::read_jsonl(in);
    REQUIRE(input);
    return std::move(*input);
}

Result<batch::Input> csv(const std::string& text, batch::CsvOptions o) {
    std::istringstream in(text);
    return batch::read_csv(in, o);
}

}  // namespace

TEST_CASE("batch JSONL: lines parse into calls; params become strings; blank lines are skipped") {
    auto input = jsonl(R"({"op":"skills.create","params":{"skillGroupId":"sg-1"},"body":{"name":"a","skillGroupId":"sg-1"},"id":"k1"}

{"op":"agents.list","params":{"page":2,"includeQueues":true}}
)");
    REQUIRE(input.items.size() == 2);
    CHECK(input.items[0].line == 1);
    CHECK(input.items[0].id == "k1");
    CHECK(input.items[0].args.params.at("skillGroupId") == "sg-1");
    CHECK(input.items[1].line == 3);
    CHECK(input.items[1].args.params.at("page") == "2");
    CHECK(input.items[1].args.params.at("includeQueues") == "true");
    batch::validate(input, test_config());
    CHECK(batch::invalid_items(input).empty());
}

TEST_CASE("batch JSONL: every invalid line is reported with its number") {
    auto input = jsonl(R"({"op":"agents.create","body":{"emailId":"a@x","firstName":"A","lastName":"B","roleId":"r"}}
{not json
{"op":"agents.frobnicate"}
{"op":"agents.create","body":{"firstName":"A","lastName":"B","roleId":"r"}}
{"op":"skills.create","body":{"name":"x","skillGroupId":"sg"}}
{"op":"agents.create","prams":{}}
["op"]
{"params":{}}
)");
    batch::validate(input, test_config());
    const auto bad = batch::invalid_items(input);
    std::vector<long long> lines;
    for (const auto* i : bad) lines.push_back(i->line);
    CHECK(lines == std::vector<long long>{2, 3, 4, 5, 6, 7, 8});
    CHECK(bad[0]->problem->message.find("JSON") != std::string::npos);
    CHECK(bad[1]->problem->message.find("agents.frobnicate") != std::string::npos);
    CHECK(bad[2]->problem->message.find("emailId") != std::string::npos);
    CHECK(bad[3]->problem->message.find("parameter skillGroupId") != std::string::npos);  // as the line spells it
    CHECK(bad[4]->problem->message.find("prams") != std::string::npos);
    for (const auto* i : bad) CHECK(i->problem->kind == ErrorKind::invalid_input);
}

TEST_CASE("batch JSONL: an unreadable upload file is invalid before anything is sent") {
    auto input = jsonl(R"({"op":"contacts.import","file":"/nonexistent/contacts.csv"})" "\n");
    batch::validate(input, test_config());
    REQUIRE(input.items[0].problem);
    CHECK(input.items[0].problem->message.find("not a readable file") != std::string::npos);
}

TEST_CASE("batch JSONL: the fingerprint changes with the content") {
    CHECK(jsonl("{\"op\":\"agents.list\"}\n").fingerprint != jsonl("{\"op\":\"queues.list\"}\n").fingerprint);
    CHECK(jsonl("{\"op\":\"agents.list\"}\n").fingerprint == jsonl("{\"op\":\"agents.list\"}\n").fingerprint);
}

TEST_CASE("batch CSV: columns map by name, by --map to params and body paths, and cells are typed") {
    batch::CsvOptions o{"agents.create", {{"mail", "emailId"}, {"queue", "queues[0].id"}, {"team", "meta.team"}, {"note", ""}}, "key"};
    auto input = csv("key,firstName,lastName,mail,canSupportChat,maxChatSupport,queue,team,note,roleId\n"
                     "k1,Ann,\"Lee, Jr.\",ann@x,true,3,q-1,blue,ignored,r\n"
                     "k2,\"Bo \"\"B\"\"\",\"multi\nline\",bo@x,,,,,,r\n",
                     o);
    REQUIRE(input);
    REQUIRE(input->items.size() == 2);
    const auto& a = input->items[0];
    CHECK(a.line == 2);
    CHECK(a.id == "k1");
    CHECK(*a.args.body == json{{"firstName", "Ann"}, {"lastName", "Lee, Jr."}, {"emailId", "ann@x"}, {"canSupportChat", true},
                               {"maxChatSupport", 3}, {"queues", {{{"id", "q-1"}}}}, {"meta", {{"team", "blue"}}}, {"roleId", "r"}});
    const auto& b = input->items[1];
    CHECK(b.line == 3);
    CHECK(*b.args.body == json{{"firstName", "Bo \"B\""}, {"lastName", "multi\nline"}, {"emailId", "bo@x"}, {"roleId", "r"}});
    batch::validate(*input, test_config());
    CHECK(batch::invalid_items(*input).empty());
}

TEST_CASE("batch CSV: a column that is both a path parameter and a body field fills both") {
    auto input = csv("skillGroupId,name\nsg-9,Billing\n", {"skills.create", {}, ""});
    REQUIRE(input);
    CHECK(input->items[0].args.params.at("skillGroupId") == "sg-9");
    CHECK((*input->items[0].args.body)["skillGroupId"] == "sg-9");
    batch::validate(*input, test_config());
    CHECK(batch::invalid_items(*input).empty());
}

TEST_CASE("batch CSV: a byte order mark starting the file is dropped; anywhere else it is data") {
    auto input = csv("\xEF\xBB\xBF" "skillGroupId,name\nsg-9,Billing\n", {"skills.create", {}, ""});
    REQUIRE(input);
    CHECK(input->items[0].args.params.at("skillGroupId") == "sg-9");
    // Quoted, the first cell does not start at the file's first byte: kept, so the column is unknown.
    CHECK_FALSE(csv("\"\xEF\xBB\xBF" "skillGroupId\",name\nsg-9,Billing\n", {"skills.create", {}, ""}));
    input = csv("name,skillGroupId\n\xEF\xBB\xBF" "Billing,sg-9\n", {"skills.create", {}, ""});
    REQUIRE(input);
    CHECK((*input->items[0].args.body)["name"] == "\xEF\xBB\xBF" "Billing");
    // Only one is dropped.
    const auto twice = csv("\xEF\xBB\xBF\xEF\xBB\xBF" "name\nBilling\n", {"skill-groups.create", {}, ""});
    REQUIRE_FALSE(twice);
    CHECK(twice.error().message.starts_with("column '\xEF\xBB\xBF" "name' is neither"));
}

TEST_CASE("batch CSV: header mistakes fail the input; row mistakes are per line") {
    CHECK_FALSE(csv("firstName,shoeSize\nA,9\n", {"agents.create", {}, ""}));
    CHECK_FALSE(csv("firstName\nA\n", {"agents.nope", {}, ""}));
    CHECK_FALSE(csv("firstName\nA\n", {"agents.create", {{"missing", "emailId"}}, ""}));
    CHECK_FALSE(csv("", {"agents.create", {}, ""}));
    auto input = csv("firstName,lastName,emailId,maxChatSupport,roleId\nA,B,a@x,many,r\nA,B\nA,B,c@x,1,r\n,B,d@x,1,r\n", {"agents.create", {}, ""});
    REQUIRE(input);
    batch::validate(*input, test_config());
    std::vector<long long> lines;
    for (const auto* i : batch::invalid_items(*input)) lines.push_back(i->line);
    CHECK(lines == std::vector<long long>{2, 3, 5});  // bad integer, short row, missing required firstName
}

TEST_CASE("batch CSV: a quoted cell still open at the end of the input is an invalid line, not a call") {
    CHECK_FALSE(csv("firstName,\"lastName\n", {"agents.create", {}, ""}));  // in the header: the input fails
    auto input = csv("name\nok\n\"abc\n", {"skill-groups.create", {}, ""});
    REQUIRE(input);
    batch::validate(*input, test_config());
    std::vector<long long> lines;
    for (const auto* i : batch::invalid_items(*input)) lines.push_back(i->line);
    CHECK(lines == std::vector<long long>{3});
}

TEST_CASE("batch body paths: nested objects and lists are created; bad paths are refused") {
    json body = json::object();
    REQUIRE(batch::set_body_path(body, "a.b", 1));
    REQUIRE(batch::set_body_path(body, "q[0].id", "x"));
    REQUIRE(batch::set_body_path(body, "q[].id", "y"));
    REQUIRE(batch::set_body_path(body, "m[0][0]", true));
    CHECK(body == json{{"a", {{"b", 1}}}, {"q", {{{"id", "x"}}, {{"id", "y"}}}}, {"m", {{true}}}});
    // An index addresses an element or the next one: a gap would send a null element nobody wrote.
    for (const char* bad : {"", ".a", "a.", "a[", "a[x]", "a..b", "a[99999999]", "q[5].id"})
        CHECK_FALSE(batch::set_body_path(body, bad, 1));
    CHECK_FALSE(batch::set_body_path(body, "a.b.c", 1));  // a.b is a number
}

TEST_CASE("batch CSV: --map takes the body path syntax --set takes, and bad paths fail the header") {
    batch::CsvOptions o{"agents.create", {{"q1", "queues[].id"}, {"q2", "queues[].id"}, {"pref", "queues[-1].isPreferredAgent"},
                                          {"team", "meta\\.team"}}, ""};
    auto input = csv("firstName,lastName,emailId,roleId,q1,q2,pref,team\nA,B,a@x,r,q-1,q-2,true,blue\n", o);
    REQUIRE(input);
    CHECK((*input->items[0].args.body)["queues"] == json{{{"id", "q-1"}}, {{"id", "q-2"}, {"isPreferredAgent", true}}});
    CHECK((*input->items[0].args.body)["meta.team"] == "blue");
    auto bad = csv("firstName,q\nA,x\n", {"agents.create", {{"q", "queues[x].id"}}, ""});
    REQUIRE_FALSE(bad);
    CHECK(bad.error().message == "column 'q': body path 'queues[x].id': [x] is not an index (use [N], [] to append, or [-1] for the last element)");
}
