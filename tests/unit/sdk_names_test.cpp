// The SDK's surface as a program uses it: kinds by name, a client without a double dereference, errors that
// name the API's parameters; and ccai-cli showing those as its flags.
#include <doctest/doctest.h>

#include "ccai/client.hpp"
#include "ccai/request_builder.hpp"
#include "flag_names.hpp"
#include "support/fakes.hpp"
#include "support/in_process_cli.hpp"

using namespace ccai;

TEST_CASE("sdk: to_string(ErrorKind) names every kind as error output does") {
    CHECK(to_string(ErrorKind::other) == "error");
    CHECK(to_string(ErrorKind::invalid_input) == "invalid_input");
    CHECK(to_string(ErrorKind::config) == "config");
    CHECK(to_string(ErrorKind::auth) == "auth");
    CHECK(to_string(ErrorKind::not_found) == "not_found");
    CHECK(to_string(ErrorKind::client) == "client_error");
    CHECK(to_string(ErrorKind::rate_limited) == "rate_limited");
    CHECK(to_string(ErrorKind::server) == "server_error");
    CHECK(to_string(ErrorKind::network) == "network");
    CHECK(to_string(ErrorKind::interrupted) == "interrupted");
    CHECK(error_kind_name(ErrorKind::client) == to_string(ErrorKind::client));
    CHECK(error_json(invalid_input("x"))["kind"] == "invalid_input");
}

TEST_CASE("sdk: a client is used as client.agents().get(...); the old (**made) spelling still compiles") {
    auto transport = std::make_shared<test::FakeTransport>();
    ClientOptions o;
    for (const auto& [k, v] : std::map<std::string, std::string>{
             {"host", "https://cc.example"}, {"bot_id", "st-1"}, {"account_id", "acc-1"}, {"client_id", "cs-1"},
             {"client_secret", "s"}, {"pacer", "memory"}, {"pacer_scope", "sdk-names-test"}})
        o.config.set(k, v, "test");
    o.transport = transport;
    o.clock = std::make_shared<test::FakeClock>();
    o.pacer = std::make_shared<test::NullPacer>();
    auto made = Client::create(std::move(o));
    REQUIRE(made.ok());
    Client& client = *made;
    transport->push(200, R"({"id":"a-1"})");
    auto agent = client.agents().get({.agent_id = "a-1"});
    REQUIRE(agent.ok());
    CHECK((*agent)["id"] == "a-1");
    CHECK(transport->requests.at(0).url == "https://cc.example/agentassist/api/v1/public/st-1/agents/a-1");
    transport->push(200, R"({"id":"a-2"})");
    CHECK(made->agents().get({.agent_id = "a-2"}).ok());
    // Moved, it still works: a client is a value.
    Client moved = std::move(*made);
    transport->push(200, R"({"id":"a-3"})");
    CHECK(moved.agents().get({.agent_id = "a-3"}).ok());
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"
    transport->push(200, R"({"id":"a-4"})");
    CHECK((**&moved).agents().get({.agent_id = "a-4"}).ok());
    transport->push(200, R"({"id":"a-5"})");
    CHECK(moved->agents().get({.agent_id = "a-5"}).ok());
#pragma GCC diagnostic pop
    CHECK(transport->requests.size() == 5);

    // A missing parameter is named as the API names it.
    auto missing = moved.agents().get({});
    REQUIRE_FALSE(missing.ok());
    CHECK(missing.error().message == "agents.get: missing required parameter agentId");
    CHECK(missing.error().parameters == std::vector<std::string>{"agentId"});

    // So is the file an upload needs, which the CLI calls --file.
    auto upload = moved.call(*find_endpoint("contacts.import"), {});
    REQUIRE_FALSE(upload.ok());
    CHECK(upload.error().message == "contacts.import: missing required parameter file (the file to upload)");
    CHECK(upload.error().parameters == std::vector<std::string>{"file"});
}

TEST_CASE("cli: the SDK's parameter names become flags; quoted body fields and values stay as they are") {
    auto e = invalid_input("skills.create: body field 'skillGroupId' is 'sg-2' but parameter skillGroupId is 'sg-1'");
    e.parameters = {"skillGroupId"};
    CHECK(cli::with_flag_names(e).message ==
          "skills.create: body field 'skillGroupId' is 'sg-2' but parameter --skill-group-id is 'sg-1'");
    e = invalid_input("x.y: give exactly one of userId, sessionId");
    e.parameters = {"userId", "sessionId"};
    CHECK(cli::with_flag_names(e).message == "x.y: give exactly one of --user-id, --session-id");
    // Only whole words: agentIds is not agentId; a value quoted with an apostrophe inside stays.
    e = invalid_input("a.b: 'it's agentId' is not agentIds nor parameter agentId");
    e.parameters = {"agentId"};
    CHECK(cli::with_flag_names(e).message == "a.b: 'it's agentId' is not agentIds nor parameter --agent-id");
    e = invalid_input("nothing to change");
    CHECK(cli::with_flag_names(e).message == "nothing to change");

    test::Cli cli;
    const auto r = cli({"agents", "get"});
    CHECK(r.code == 2);
    CHECK(r.out.empty());
    CHECK(r.error().at("message") == "agents.get: missing required parameter --agent-id");
    const auto bad = cli({"skills", "list", "--skill-group-id", "sg-1", "--page", "two"});
    CHECK(bad.code == 2);
    CHECK(bad.error().at("message") == "skills.list: parameter --page 'two': must be a whole number");
}

TEST_CASE("sdk: a header's missing setting is named as the setting; ccai-cli shows it as its flag") {
    Config config;
    config.set("host", "https://cc.example", "test");
    config.set("account_id", "acc-1", "test");
    const auto built = build_request(*find_endpoint("analytics.agent-status-summary"), {}, config);
    REQUIRE_FALSE(built.ok());
    CHECK(built.error().kind == ErrorKind::config);
    CHECK(built.error().message ==
          "analytics.agent-status-summary: header iid needs bot_id: set it in the profile or CCAI_BOT_ID");
    CHECK(built.error().parameters == std::vector<std::string>{"bot_id"});
    CHECK(cli::with_flag_names(built.error()).message ==
          "analytics.agent-status-summary: header iid needs --bot-id: set it in the profile or CCAI_BOT_ID");

    // No operation's error names a flag of ccai-cli, whichever profile id is missing.
    for (const auto& spec : endpoints()) {
        for (const auto* unset : {"account_id", "bot_id", "org_id"}) {
            Config partial;
            for (const auto* key : {"host", "account_id", "bot_id", "org_id"})
                if (std::string_view(key) != unset) partial.set(key, key == std::string_view("host") ? "https://cc.example" : "id-1", "test");
            const auto r = build_request(spec, {}, partial);
            if (r.ok()) continue;
            INFO(spec.id(), " without ", unset);
            CHECK(r.error().message.find("--") == std::string::npos);
        }
    }
}
