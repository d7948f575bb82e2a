// Bodies from the command line, in-process: --set / --set-json paths and typed values, fields the catalog
// does not describe (--set, --body, batch lines; --strict, --allow-unknown-fields), and the values the body
// takes from path parameters and the profile. Each case checks the exact body, stderr and exit code.
#include <doctest/doctest.h>

#include <fstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "support/in_process_cli.hpp"

using namespace ccai;
using nlohmann::json;
using test::Cli;
using test::Run;

namespace {

// The body --dry-run shows for these words; the run must succeed and say nothing on stderr.
json dry_body(Cli& cli, std::vector<std::string> words) {
    words.push_back("--dry-run");
    const auto r = cli(words);
    INFO(r.err);
    REQUIRE(r.code == 0);
    CHECK(r.err.empty());
    CHECK(cli.transport->requests.empty());
    return r.out_json().at("body");
}

// The message of the exit-2 refusal for these words; nothing may be sent.
std::string refusal(Cli& cli, std::vector<std::string> words) {
    const auto r = cli(words);
    INFO(r.err);
    CHECK(r.code == 2);
    CHECK(r.out.empty());
    CHECK(cli.transport->requests.empty());
    return r.error().at("message").get<std::string>();
}

const std::vector<std::string> kAgent = {"agents", "create", "--set", "firstName=Ann", "--set", "lastName=Lee",
                                         "--set", "emailId=ann@x", "--set", "roleId=r-1"};

std::vector<std::string> agent(std::vector<std::string> more) {
    auto words = kAgent;
    words.insert(words.end(), more.begin(), more.end());
    return words;
}

const json kAgentBody = {{"firstName", "Ann"}, {"lastName", "Lee"}, {"emailId", "ann@x"}, {"roleId", "r-1"}};

json agent_body(const json& more) {
    auto body = kAgentBody;
    body.update(more);
    return body;
}

}  // namespace

TEST_CASE("cli --set: every path form builds what was typed") {
    Cli cli;
    SUBCASE("a.b and a[0].b") {
        CHECK(dry_body(cli, {"queues", "create", "--set", "name=Q", "--set", "hoursOfOperation.id=h-1", "--set",
                             "agents[0].userId=u1", "--set", "agents[0].aId=a1", "--set", "agents[0].isPreferredAgent=true"}) ==
              json{{"name", "Q"}, {"hoursOfOperation", {{"id", "h-1"}}},
                   {"agents", {{{"userId", "u1"}, {"aId", "a1"}, {"isPreferredAgent", true}}}}});
    }
    SUBCASE("a[] adds an element, a[-1] is the last one") {
        CHECK(dry_body(cli, {"queues", "create", "--set", "name=Q", "--set", "hoursOfOperation.id=h-1",
                             "--set", "agents[].userId=u1", "--set", "agents[-1].aId=a1", "--set", "agents[-1].isPreferredAgent=true",
                             "--set", "agents[].userId=u2", "--set", "agents[-1].aId=a2", "--set", "agents[-1].isPreferredAgent=false"})
                  .at("agents") == json{{{"userId", "u1"}, {"aId", "a1"}, {"isPreferredAgent", true}},
                                        {{"userId", "u2"}, {"aId", "a2"}, {"isPreferredAgent", false}}});
    }
    SUBCASE("--set and --set-json keep the command line's order") {
        CHECK(dry_body(cli, {"skills", "create", "--skill-group-id", "sg-1", "--set", "name=S", "--set-json",
                             R"(agents=[{"userId":"u1"}])", "--set", "agents[].userId=u2", "--set", "agents[0].proficiencyLevel=expert"})
                  .at("agents") == json{{{"userId", "u1"}, {"proficiencyLevel", "expert"}}, {{"userId", "u2"}}});
    }
    SUBCASE("a backslash keeps a dot in a key") {
        CHECK(dry_body(cli, agent({"--allow-unknown-fields", "--set", "meta\\.team=blue"})) == agent_body({{"meta.team", "blue"}}));
    }
    SUBCASE("inside a field the catalog leaves free, any name goes") {
        CHECK(dry_body(cli, {"queues", "create", "--set", "name=Q", "--set", "hoursOfOperation.id=h-1", "--set", "skills[].id=s1",
                             "--set", "skills[-1].isExpireEnabled=true", "--set", "skills[-1].expireTime.min=5"})
                  .at("skills") == json{{{"id", "s1"}, {"isExpireEnabled", true}, {"expireTime", {{"min", 5}}}}});
    }
    SUBCASE("--body, then --set replaces one of its fields") {
        CHECK(dry_body(cli, agent({"--body", R"({"nickName":"A"})", "--set", "nickName=B"})) == agent_body({{"nickName", "B"}}));
    }
}

TEST_CASE("cli --set: values are typed by the catalog") {
    Cli cli;
    SUBCASE("a string field stays a string, whatever it looks like") {
        CHECK(dry_body(cli, agent({"--set", "phoneNumber=4915123456789", "--set", "nickName=true", "--set", "customId=null"})) ==
              agent_body({{"phoneNumber", "4915123456789"}, {"nickName", "true"}, {"customId", "null"}}));
    }
    SUBCASE("integer, number and boolean fields are parsed") {
        CHECK(dry_body(cli, agent({"--set", "maxChatSupport=3", "--set", "canSupportChat=false"})) ==
              agent_body({{"maxChatSupport", 3}, {"canSupportChat", false}}));
        const auto body = dry_body(cli, {"wfm", "get-contact-volume", "--set", "toTimeStamp=2026-01-01", "--set", "limit=2.5"});
        CHECK(body.at("limit") == 2.5);
        CHECK(body.at("toTimeStamp") == "2026-01-01");
    }
    SUBCASE("a value that is not of the field's type is refused, naming the field") {
        CHECK(refusal(cli, agent({"--set", "maxChatSupport=three"})) ==
              "--set maxChatSupport: body field 'maxChatSupport' takes a whole number, not 'three'");
        CHECK(refusal(cli, agent({"--set", "maxChatSupport=1.5"})) ==
              "--set maxChatSupport: body field 'maxChatSupport' takes a whole number, not '1.5'");
        CHECK(refusal(cli, agent({"--set", "canSupportChat=yes"})) ==
              "--set canSupportChat: body field 'canSupportChat' takes true or false, not 'yes'");
        CHECK(refusal(cli, agent({"--set", "maxChatSupport="})) ==
              "--set maxChatSupport: body field 'maxChatSupport' takes a whole number, not ''");
        CHECK(refusal(cli, {"wfm", "get-contact-volume", "--set", "toTimeStamp=x", "--set", "limit=lots"}) ==
              "--set limit: body field 'limit' takes a number, not 'lots'");
        CHECK(refusal(cli, agent({"--set", "queues[].isPreferredAgent=1"})) ==
              "--set queues[].isPreferredAgent: body field 'queues[].isPreferredAgent' takes true or false, not '1'");
    }
    SUBCASE("an object or list field takes --set-json") {
        CHECK(refusal(cli, {"skills", "create", "--skill-group-id", "sg", "--set", "agents=godlike"}) ==
              "--set agents: body field 'agents' is a list (array[object]): give it with --set-json agents=JSON, or add "
              "elements with agents[]=VALUE or agents[].FIELD=VALUE");
        CHECK(refusal(cli, {"queues", "create", "--set", "hoursOfOperation=h-1"}) ==
              "--set hoursOfOperation: body field 'hoursOfOperation' is an object: give it with --set-json "
              "hoursOfOperation=JSON, or set its fields with hoursOfOperation.FIELD=VALUE");
    }
    SUBCASE("a field the catalog does not know takes JSON's reading of the value, else the text") {
        CHECK(dry_body(cli, agent({"--allow-unknown-fields", "--set", "a=5", "--set", "b=true", "--set", "c=[1,\"x\"]",
                                   "--set", "d=plain text", "--set", "e=", "--set", "f=line\r\nbreak"})) ==
              agent_body({{"a", 5}, {"b", true}, {"c", {1, "x"}}, {"d", "plain text"}, {"e", ""}, {"f", "line\r\nbreak"}}));
    }
}

TEST_CASE("cli --set-json: objects, lists and null; invalid JSON says what was expected where") {
    Cli cli;
    CHECK(dry_body(cli, {"queues", "create", "--set", "name=Q", "--set-json", R"(hoursOfOperation={"id":"h-1"})",
                         "--set-json", "agentGroups=[\"ag-1\",\"ag-2\"]", "--set-json", "description=null"}) ==
          json{{"name", "Q"}, {"hoursOfOperation", {{"id", "h-1"}}}, {"agentGroups", {"ag-1", "ag-2"}}, {"description", nullptr}});
    const auto bad = refusal(cli, {"queues", "create", "--set", "name=Q", "--set-json", "hoursOfOperation={\"id\":"});
    CHECK(bad.starts_with("--set-json hoursOfOperation: invalid JSON: parse error at line 1, column 7: "));
    CHECK(bad.find("expected") != std::string::npos);
    CHECK(bad.find("last read") == std::string::npos);
    CHECK(refusal(cli, {"queues", "create", "--set-json", "agentGroups=[ag-1]"}).starts_with(
        "--set-json agentGroups: invalid JSON: parse error at line 1, column 2: syntax error while parsing value - invalid literal"));
    CHECK(refusal(cli, {"queues", "create", "--set-json", "agentGroups="}) ==
          "--set-json agentGroups: expected JSON after '=' (an object, a list, a string in quotes, a number, true, false or "
          "null), got nothing");
    CHECK(refusal(cli, {"queues", "create", "--set-json", "agentGroups"}) == "--set-json 'agentGroups': expected PATH=JSON");
    CHECK(refusal(cli, agent({"--set-json", "maxChatSupport=1e999"})).starts_with("--set-json maxChatSupport: invalid JSON: "));
}

TEST_CASE("cli --set: bad paths are exit 2 with what is wrong, never a crash or a huge list") {
    Cli cli;
    const std::vector<std::string> sg = {"skills", "create", "--skill-group-id", "sg", "--set", "name=S"};
    const auto with = [&](std::string set) {
        auto words = sg;
        words.insert(words.end(), {"--set", std::move(set)});
        return refusal(cli, words);
    };
    CHECK(with("agents[=1") == "--set: body path 'agents[': '[' without its ']'");
    CHECK(with("agents[x].userId=1") ==
          "--set: body path 'agents[x].userId': [x] is not an index (use [N], [] to append, or [-1] for the last element)");
    CHECK(with("agents..userId=1") == "--set: body path 'agents..userId': empty field name (a leading, trailing or doubled '.')");
    CHECK(with("=1") == "--set '=1': expected PATH=VALUE");
    CHECK(with("noequals") == "--set 'noequals': expected PATH=VALUE");
    CHECK(with("[0]=1") == "--set: body path '[0]': a path starts with a field name, not an index");
    CHECK(with("agents[1].userId=u") ==
          "--set: body path 'agents[1].userId': index [1] is beyond the end of 'agents' (0 elements: use [0] or [] to add one)");
    CHECK(with("agents[99999999999].userId=u") == "--set: body path 'agents[99999999999].userId': index [99999999999] is beyond any list");
    CHECK(with("agents[-1].userId=u") == "--set: body path 'agents[-1].userId': 'agents' has no last element ([-1]); add one with 'agents[]'");
    CHECK(with("name.first=x") == "--set: body path 'name.first': 'name' is a string, not an object with fields");
    CHECK(with("name=again") == "--set 'name=again': replaces what --set 'name=S' set: give each field once");
    std::string deep = "description";
    for (int i = 0; i < 40; ++i) deep += ".x";
    CHECK(with(deep + "=1").find("more than 32 steps") != std::string::npos);
    // Overlaps through --set-json: replacing inside what it set, or replacing it whole.
    auto words = sg;
    words.insert(words.end(), {"--set-json", R"(agents=[{"userId":"u1"}])", "--set", "agents[0].userId=u2"});
    CHECK(refusal(cli, words) ==
          "--set 'agents[0].userId=u2': replaces what --set-json 'agents=[{\"userId\":\"u1\"}]' set: give each field once");
}

TEST_CASE("cli --set: a field the catalog does not describe is refused with a did-you-mean") {
    Cli cli;
    CHECK(refusal(cli, agent({"--set", "fristName=Ann"})) == "unknown body field 'fristName' for agents create; did you mean 'firstName'?");
    CHECK(refusal(cli, {"queues", "create", "--set", "agents[0].usrId=u"}) ==
          "unknown body field 'agents[0].usrId' for queues create; did you mean 'agents[0].userId'?");
    CHECK(refusal(cli, {"queues", "create", "--set", "agents.0.userId=u"}) ==
          "unknown body field 'agents.0' for queues create (its fields: ccai-cli queues create --help; --allow-unknown-fields "
          "sends it as given)");
    CHECK(refusal(cli, agent({"--set", "shoeSize=9"})) ==
          "unknown body field 'shoeSize' for agents create (its fields: ccai-cli agents create --help; --allow-unknown-fields "
          "sends it as given)");
    // --allow-unknown-fields sends it; an operation whose catalog lists no field describes nothing to refuse.
    CHECK(dry_body(cli, agent({"--allow-unknown-fields", "--set", "fristName=Ann"})) == agent_body({{"fristName", "Ann"}}));
    CHECK(dry_body(cli, {"queues", "update", "--queue-id", "q-1", "--set", "anything=1"}) == json{{"anything", 1}});
}

TEST_CASE("cli --body: unknown fields draw one warning; --strict refuses them; --allow-unknown-fields is silent") {
    const std::string body = R"({"firstName":"A","lastName":"B","emailId":"e","roleId":"r","shoeSize":9,)"
                             R"("queues":[{"id":"q","colour":"red"},{"id":"q2","colour":"blue","hat":1}]})";
    Cli cli;
    const auto warned = cli({"agents", "create", "--body", body, "--dry-run"});
    CHECK(warned.code == 0);
    CHECK(warned.err ==
          "warning: agents create: body fields the catalog does not describe, sent as given (--strict refuses them, "
          "--allow-unknown-fields silences this): 'queues[].colour', 'queues[].hat', 'shoeSize'\n");
    CHECK(warned.out_json().at("body") == json::parse(body));

    CHECK(refusal(cli, {"agents", "create", "--body", body, "--strict"}) ==
          "agents.create: body fields the catalog does not describe: 'queues[].colour', 'queues[].hat', 'shoeSize' (refused by "
          "--strict; --allow-unknown-fields sends them)");

    const auto silent = cli({"agents", "create", "--body", body, "--allow-unknown-fields", "--dry-run"});
    CHECK(silent.code == 0);
    CHECK(silent.err.empty());

    CHECK(refusal(cli, {"agents", "create", "--body", body, "--strict", "--allow-unknown-fields"}).starts_with(
        "--strict and --allow-unknown-fields exclude each other"));
    // A body the catalog fully describes draws nothing, --strict or not.
    CHECK(dry_body(cli, {"agents", "create", "--strict", "--body", kAgentBody.dump()}) == kAgentBody);
}

TEST_CASE("cli --body: a body of many strange keys makes one short warning, quickly") {
    Cli cli;
    json body = kAgentBody;
    for (int i = 0; i < 100000; ++i) body["k" + std::to_string(i)] = i;
    body[std::string(5000, 'z')] = 1;
    const auto r = cli({"agents", "create", "--body", body.dump(), "--dry-run"});
    CHECK(r.code == 0);
    CHECK(r.err.size() < 1000);
    CHECK(r.err.find("'k0', 'k1', 'k10', 'k100', 'k1000', 'k10000', 'k10001', 'k10002', 'k10003', 'k10004' and 99991 more\n") !=
          std::string::npos);
    // A long mistyped name is shown by its start, and not measured against every field.
    const auto long_name = refusal(cli, agent({"--set", std::string(100000, 'f') + "=1"}));
    CHECK(long_name.starts_with("unknown body field '" + std::string(80, 'f') + "...' for agents create ("));
}

TEST_CASE("cli batch: unknown fields in lines draw one warning; --strict makes the lines invalid") {
    Cli cli;
    const auto input = (cli.dir / "in.jsonl").string();
    std::ofstream(input) << R"({"op":"agents.create","body":{"firstName":"A","lastName":"B","emailId":"e","roleId":"r","shoeSize":9}})" "\n"
                         << R"({"op":"agents.create","body":{"firstName":"C","lastName":"D","emailId":"f","roleId":"r","shoeSize":8,"hat":1}})" "\n"
                         << R"({"op":"skill-groups.create","body":{"name":"g","colour":"red"}})" "\n";
    const std::string warning =
        "warning: batch: body fields the catalog does not describe, sent as given (--strict refuses them, "
        "--allow-unknown-fields silences this): agents.create 'shoeSize', 'hat' (first at line 1); skill-groups.create "
        "'colour' (first at line 3)\n";
    SUBCASE("dry run") {
        const auto r = cli({"batch", "--input", input, "--dry-run"});
        CHECK(r.code == 0);
        CHECK(r.err == warning);
    }
    SUBCASE("a real run warns once, before sending") {
        for (int i = 0; i < 3; ++i) cli.transport->push(201, R"({"id":"x"})");
        const auto r = cli({"batch", "--input", input});
        CHECK(r.code == 0);
        CHECK(r.err == warning);
        REQUIRE(cli.transport->requests.size() == 3);
        // Lines go out concurrently, in any order: find the first line's request by its body.
        int first_line_requests = 0;
        for (const auto& req : cli.transport->requests) {
            const auto body = json::parse(req.body);
            if (body.value("firstName", "") != "A") continue;
            ++first_line_requests;
            CHECK(body.at("shoeSize") == 9);  // sent as given
        }
        CHECK(first_line_requests == 1);
    }
    SUBCASE("--strict") {
        const auto r = cli({"batch", "--input", input, "--strict"});
        CHECK(r.code == 2);
        CHECK(cli.transport->requests.empty());
        std::vector<std::string> lines;
        for (std::size_t at = 0, nl; (nl = r.err.find('\n', at)) != std::string::npos; at = nl + 1) lines.push_back(r.err.substr(at, nl - at));
        REQUIRE(lines.size() == 3);
        const auto first = json::parse(lines[0]).at("error");
        CHECK(first.at("first_line") == 1);
        CHECK(first.at("problem") == "agents.create: body fields the catalog does not describe: 'shoeSize' (refused by --strict; "
                                     "--allow-unknown-fields sends them)");
        CHECK(json::parse(lines[2]).at("error").at("problem") ==
              "skill-groups.create: body fields the catalog does not describe: 'colour' (refused by --strict; "
              "--allow-unknown-fields sends them)");
    }
    SUBCASE("--allow-unknown-fields") {
        const auto r = cli({"batch", "--input", input, "--dry-run", "--allow-unknown-fields"});
        CHECK(r.code == 0);
        CHECK(r.err.empty());
    }
    SUBCASE("CSV columns mapped to unknown paths warn too") {
        const auto csv = (cli.dir / "in.csv").string();
        std::ofstream(csv) << "name,team\ng1,blue\n";
        const auto r = cli({"batch", "--input", csv, "--op", "skill-groups.create", "--map", "team=meta.team", "--dry-run"});
        CHECK(r.code == 0);
        CHECK(r.err.find("skill-groups.create 'meta' (first at line 2)") != std::string::npos);
    }
}

TEST_CASE("cli: a path parameter the body also needs is copied into it; given both ways, they must agree") {
    Cli cli;
    CHECK(dry_body(cli, {"skills", "create", "--skill-group-id", "sg-1", "--set", "name=S"}) ==
          json{{"name", "S"}, {"skillGroupId", "sg-1"}});
    CHECK(dry_body(cli, {"skills", "create", "--skill-group-id", "sg-1", "--set", "name=S", "--set", "skillGroupId=sg-1"}) ==
          json{{"name", "S"}, {"skillGroupId", "sg-1"}});
    CHECK(refusal(cli, {"skills", "create", "--skill-group-id", "sg-1", "--set", "name=S", "--set", "skillGroupId=sg-2"}) ==
          "skills.create: body field 'skillGroupId' is 'sg-2' but parameter --skill-group-id is 'sg-1': give the value once");
    // And the request really goes out with it.
    cli.transport->push(201, R"({"id":"sk-1"})");
    const auto r = cli({"skills", "update", "--skill-group-id", "sg-1", "--skill-id", "sk-1", "--set", "name=S"});
    CHECK(r.code == 0);
    REQUIRE(cli.transport->requests.size() == 1);
    CHECK(json::parse(cli.request(0).body) == json{{"name", "S"}, {"skillGroupId", "sg-1"}});
}

TEST_CASE("cli: profile values fill the body fields named for them; a different value in the body is refused") {
    Cli cli;
    const std::vector<std::string> transfer = {"transfer", "transfer", "--set", "callbackUrl=https://cb", "--set",
                                               "botSessionId=b-1", "--set", "aId=a-1"};
    const auto with = [&](std::vector<std::string> more) {
        auto words = transfer;
        words.insert(words.end(), more.begin(), more.end());
        return words;
    };
    CHECK(dry_body(cli, with({})).at("orgId") == "o-1");
    CHECK(dry_body(cli, with({"--org-id", "o-3"})).at("orgId") == "o-3");
    CHECK(dry_body(cli, with({"--set", "orgId=o-1"})).at("orgId") == "o-1");
    CHECK(refusal(cli, with({"--set", "orgId=o-2"})) ==
          "transfer.transfer: body field 'orgId' is 'o-2' but org_id (env CCAI_ORG_ID) is 'o-1': give the value once");
    CHECK(refusal(cli, with({"--org-id", "o-3", "--set", "orgId=o-2"})) ==
          "transfer.transfer: body field 'orgId' is 'o-2' but --org-id is 'o-3': give the value once");
    // agents update: the account, org and app ids of the profile.
    const auto body = dry_body(cli, {"agents", "update", "--agent-id", "a-1", "--body",
                                     R"({"firstName":"A","lastName":"B","emailId":"e","userId":"u","roleId":"r","id":"a-1","agentGroupId":"ag"})"});
    CHECK(body.at("accountId") == "acc-1");
    CHECK(body.at("orgId") == "o-1");
    CHECK(body.at("iId") == "st-1");
    // Without the setting there is nothing to fill: the setting is missing (exit 3), unless the body gives it.
    cli.env.erase("CCAI_ORG_ID");
    const auto r = cli(with({}));
    CHECK(r.code == 3);
    CHECK(r.error().at("message").get<std::string>().find("does not have: org_id (--org-id or CCAI_ORG_ID)") != std::string::npos);
    CHECK(cli.transport->requests.empty());
}

TEST_CASE("cli batch: lines get the same filled body, and --dry-run shows it") {
    Cli cli;
    const auto input = (cli.dir / "fill.jsonl").string();
    std::ofstream(input) << R"({"op":"skills.create","params":{"skillGroupId":"sg-7"},"body":{"name":"S"}})" "\n"
                         << R"({"op":"skills.create","params":{"skillGroupId":"sg-7"},"body":{"name":"T","skillGroupId":"sg-8"}})" "\n";
    const auto r = cli({"batch", "--input", input, "--dry-run"});
    CHECK(r.code == 2);
    CHECK(r.err.find("\"first_line\":2") != std::string::npos);
    CHECK(r.err.find("body field 'skillGroupId' is 'sg-8' but parameter skillGroupId is 'sg-7'") != std::string::npos);
    const auto skipped = cli({"batch", "--input", input, "--dry-run", "--skip-invalid"});
    CHECK(skipped.code == 0);
    CHECK(json::parse(skipped.out.substr(0, skipped.out.find('\n'))).at("body") == json{{"name", "S"}, {"skillGroupId", "sg-7"}});
}

TEST_CASE("cli: text that is not UTF-8 is refused by field, never sent or aborted on") {
    Cli cli;
    // A --set value typed in Latin-1 (ö is 0xF6), and a field name holding a stray byte.
    CHECK(refusal(cli, {"agents", "create", "--set", "firstName=J\xFCrgen", "--set", "lastName=Lee", "--set",
                        "emailId=j@x", "--set", "roleId=r-1"}) ==
          "agents.create: body field 'firstName' is not UTF-8 text: save the input as UTF-8");
    CHECK(refusal(cli, agent({"--allow-unknown-fields", "--set", "no\xFFte=x"})) ==
          "agents.create: body field 'no\xEF\xBF\xBDte' is not UTF-8 text: save the input as UTF-8");
    CHECK(refusal(cli, {"queues", "create", "--set", "name=q", "--set", "agents[].userId=\xC3"}) ==
          "queues.create: body field 'agents[0].userId' is not UTF-8 text: save the input as UTF-8");
    // A spreadsheet saved as Windows-1252: an invalid line, reported before anything is sent.
    const auto input = (cli.dir / "agents.csv").string();
    std::ofstream(input) << "firstName,lastName,emailId,roleId\nAnn,Lee,a@x,r\nJ\xFCrgen,Sch\xF6n,j@x,r\n";
    const auto r = cli({"batch", "--op", "agents.create", "--input", input});
    CHECK(r.code == 2);
    CHECK(cli.transport->requests.empty());
    CHECK(json::parse(r.err).at("error").at("message") ==
          "1 line (line 3): agents.create: body field 'firstName' is not UTF-8 text: save the input as UTF-8");
}
