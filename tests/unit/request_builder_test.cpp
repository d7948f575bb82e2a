// Request building for every catalog operation, table-driven over the catalog itself.
#include <doctest/doctest.h>

#include <algorithm>
#include <fstream>
#include <fmt/format.h>

#include "ccai/request_builder.hpp"
#include "support/catalog_samples.hpp"
#include "support/process.hpp"

using namespace ccai;

namespace {

Config test_config() {
    Config c;
    c.set("host", "https://cc.example.com/", "test");
    c.set("account_id", "acc-1", "test");
    c.set("bot_id", "st-9", "test");
    c.set("org_id", "o-7", "test");
    return c;
}

// A real, readable upload file: the builder checks it before anything is sent.
const std::string& upload_csv() {
    static const std::string path = [] {
        const auto p = test::temp_dir() + "/contacts.csv";
        std::ofstream(p) << "firstName,lastName\nAda,Lovelace\n";
        return p;
    }();
    return path;
}

CallArgs full_args(const EndpointSpec& spec) {
    CallArgs a;
    for (auto& [k, v] : test::sample_params(spec, true)) a.params[k] = v;
    if (spec.is_multipart()) a.file = upload_csv();
    else if (spec.takes_body()) a.body = test::sample_body(spec);
    return a;
}

}  // namespace

TEST_CASE("the catalog holds every documented operation with unique ids and group/action pairs") {
    // The 79 behind the rate-limit page's 78 pages, and the pages it does not list (endpoints/CATALOG.md).
    CHECK(endpoints().size() >= 79);
    for (const auto& e : endpoints()) {
        CHECK(find_endpoint(e.id()) == &e);
        CHECK(find_endpoint(e.group(), e.action()) == &e);
        CHECK(e.id() == fmt::format("{}.{}", e.group(), e.action()));
    }
}

TEST_CASE("every operation builds: method, placeholders filled and encoded, const query, headers") {
    const auto config = test_config();
    for (const auto& spec : endpoints()) {
        CAPTURE(spec.id());
        const auto args = full_args(spec);
        auto req = build_request(spec, args, config);
        if (!req.ok()) FAIL(req.error().message);
        CHECK(req->method == spec.method());
        CHECK(req->url.starts_with("https://cc.example.com/"));  // trailing slash of host trimmed
        CHECK(req->url.find('{') == std::string::npos);
        CHECK(req->url.find("//", 8) == std::string::npos);
        for (const auto& p : spec.path_params()) {
            const std::string expect = p.name() == "botId" ? "st-9" : p.name() == "accountId" ? "acc-1" : p.name() == "orgId" ? "o-7"
                                                                                                 : args.params.at(std::string(p.name()));
            CHECK(req->url.find("/" + url_encode(expect)) != std::string::npos);
        }
        for (const auto& q : spec.const_query())
            CHECK(req->url.find(fmt::format("{}={}", q.name(), q.value())) != std::string::npos);
        for (const auto& h : spec.headers()) CHECK(req->header(h.name()) == (h.from() == "bot_id" ? "st-9" : "acc-1"));
        CHECK(req->header("accountid") == "acc-1");
        CHECK(req->header("auth").empty());  // added per attempt by the pipeline, never here
        if (spec.is_multipart()) CHECK(req->upload_file == upload_csv());
        else if (spec.takes_body()) CHECK(req->header("content-type") == "application/json");
    }
}

TEST_CASE("a missing required path or query parameter fails before any I/O, naming the flag") {
    const auto config = test_config();
    int checked = 0;
    for (const auto& spec : endpoints()) {
        for (const bool in_path : {true, false}) {
            for (const auto& p : in_path ? spec.path_params() : spec.query_params()) {
                const bool required = in_path || p.required() == Required::yes;
                if (!required || !profile_key_for(p.name()).empty()) continue;
                CAPTURE(spec.id());
                CAPTURE(p.name());
                auto args = full_args(spec);
                args.params.erase(std::string(p.name()));
                auto req = build_request(spec, args, config);
                REQUIRE_FALSE(req.ok());
                CHECK(req.error().kind == ErrorKind::invalid_input);
                CHECK_FALSE(req.error().maybe_reached_server);
                // Named as the catalog spells it, for a program to show its own way (ccai-cli: as a flag).
                CHECK(req.error().message.find("parameter " + std::string(p.name())) != std::string::npos);
                CHECK(req.error().parameters == std::vector<std::string>{std::string(p.name())});
                ++checked;
            }
        }
    }
    CHECK(checked >= 46);  // every required non-account-wide parameter in the catalog
}

TEST_CASE("a missing required top-level body field is reported by name, unless the SDK fills it") {
    const auto config = test_config();
    int checked = 0, filled = 0;
    for (const auto& spec : endpoints()) {
        if (spec.body_is_array() || spec.is_multipart()) continue;
        for (const auto& f : spec.body()) {
            if (f.required() != Required::yes || f.name().find_first_of(".[") != std::string_view::npos) continue;
            if (f.enums().size() == 1 && f.type() == "string") continue;  // the action's constant: filled when left out
            CAPTURE(spec.id());
            CAPTURE(f.name());
            auto args = full_args(spec);
            args.body->erase(std::string(f.name()));
            auto req = build_request(spec, args, config);
            if (test::filled_by_sdk(spec, f.name())) {
                // Filled from the path parameter or the profile: given once, sent where the service wants it.
                REQUIRE(req.ok());
                const auto sent = nlohmann::json::parse(req->body).at(std::string(f.name()));
                const auto param = args.params.find(std::string(f.name()));
                CHECK(sent == (param != args.params.end() ? param->second : config.get(profile_key_for(f.name()))));
                ++filled;
                continue;
            }
            REQUIRE_FALSE(req.ok());
            CHECK(req.error().message.find(std::string(f.name())) != std::string::npos);
            ++checked;
        }
    }
    CHECK(checked > 20);
    CHECK(filled == 7);  // skills create/update skillGroupId; agents update accountId, orgId, iId; transfer, contact volume orgId
}

TEST_CASE("account-wide ids come from the profile unless given; missing ones say how to set them") {
    const auto& spec = *find_endpoint("agents.list");
    auto config = test_config();
    CallArgs args;
    args.params["orgId"] = "o-override";
    auto req = build_request(spec, args, config);
    REQUIRE(req.ok());
    CHECK(req->url == "https://cc.example.com/agentassist/api/v1/public/st-9/organizations/o-override/agents");
    Config bare;
    bare.set("host", "https://h", "test");
    auto missing = build_request(spec, CallArgs{}, bare);
    REQUIRE_FALSE(missing.ok());
    CHECK(missing.error().message ==
          "agents.list: missing required parameter botId (or set bot_id in the profile, env CCAI_BOT_ID)");
    CHECK(missing.error().parameters == std::vector<std::string>{"botId"});
}

TEST_CASE("values are type- and enum-checked and URL-encoded") {
    const auto config = test_config();
    const auto& list = *find_endpoint("skills.list");
    CallArgs a;
    a.params = {{"skillGroupId", "a b/c?d"}, {"page", "two"}};
    auto bad = build_request(list, a, config);
    REQUIRE_FALSE(bad.ok());
    CHECK(bad.error().message == "skills.list: parameter page 'two': must be a whole number");
    CHECK(bad.error().parameters == std::vector<std::string>{"page"});
    a.params["page"] = "2";
    auto good = build_request(list, a, config);
    REQUIRE(good.ok());
    CHECK(good->url.find("/skill-groups/a%20b%2Fc%3Fd/skills?page=2") != std::string::npos);

    CallArgs unknown;
    unknown.params["nope"] = "1";
    CHECK_FALSE(build_request(list, unknown, config).ok());
}

TEST_CASE("body type and enum checks") {
    const auto config = test_config();
    const auto& create = *find_endpoint("agents.create");
    CallArgs a;
    a.body = nlohmann::json{{"emailId", "a@b.c"}, {"firstName", "A"}, {"lastName", "B"}, {"roleId", "r"}};
    CHECK(build_request(create, a, config).ok());
    (*a.body)["canSupportChat"] = "yes";
    auto bad = build_request(create, a, config);
    REQUIRE_FALSE(bad.ok());
    CHECK(bad.error().message.find("canSupportChat") != std::string::npos);
    a.body = nlohmann::json::array();
    CHECK_FALSE(build_request(create, a, config).ok());
    CallArgs get;
    get.params["agentId"] = "x";
    get.body = nlohmann::json{{"a", 1}};
    CHECK_FALSE(build_request(*find_endpoint("agents.get"), get, config).ok());  // GET takes no body
}

TEST_CASE("a missing or unreadable upload file is invalid input, before any I/O") {
    const auto& spec = *find_endpoint("contacts.import");
    CallArgs a;
    a.file = test::temp_dir() + "/missing.csv";
    auto missing = build_request(spec, a, test_config());
    REQUIRE_FALSE(missing.ok());
    CHECK(missing.error().kind == ErrorKind::invalid_input);
    a.file = test::temp_dir();  // a directory
    CHECK_FALSE(build_request(spec, a, test_config()).ok());
    a.file = upload_csv();
    CHECK(build_request(spec, a, test_config()).ok());
}

TEST_CASE("no host is a configuration error") {
    Config c;
    c.set("bot_id", "b", "test");
    auto req = build_request(*find_endpoint("queues.list"), CallArgs{}, c);
    REQUIRE_FALSE(req.ok());
    CHECK(req.error().kind == ErrorKind::config);
}
