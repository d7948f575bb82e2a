// What build_request and Client::send refuse so that a request never goes somewhere the user did not mean
// or carries a header the user did not write: dot segments in path values, line breaks in header values.
#include <doctest/doctest.h>

#include "ccai/client.hpp"
#include "ccai/request_builder.hpp"
#include "support/catalog_samples.hpp"
#include "support/fakes.hpp"

using namespace ccai;

namespace {

Config test_config() {
    Config c;
    c.set("host", "https://cc.example.com", "test");
    c.set("account_id", "acc-1", "test");
    c.set("bot_id", "st-9", "test");
    c.set("org_id", "o-7", "test");
    return c;
}

// Every catalog operation with a path parameter of its own (not botId/accountId/orgId), with sample values.
std::vector<std::pair<const EndpointSpec*, std::string>> own_path_params() {
    std::vector<std::pair<const EndpointSpec*, std::string>> out;
    for (const auto& spec : endpoints())
        for (const auto& p : spec.path_params())
            if (profile_key_for(p.name()).empty()) out.emplace_back(&spec, std::string(p.name()));
    return out;
}

CallArgs sample_args(const EndpointSpec& spec) {
    CallArgs a;
    for (const auto& p : spec.path_params())
        if (profile_key_for(p.name()).empty()) a.params[std::string(p.name())] = test::sample_value(p);
    for (const auto& p : spec.query_params())
        if (p.required() == Required::yes) a.params[std::string(p.name())] = test::sample_value(p);
    if (spec.takes_body() && !spec.is_multipart()) a.body = test::sample_body(spec);
    return a;
}

// The path of a URL, split at '/': what a server routes on.
std::vector<std::string> segments(const std::string& url) {
    const auto start = url.find('/', url.find("://") + 3);
    const auto path = url.substr(start, url.find('?') - start);
    std::vector<std::string> out;
    for (size_t i = 1; i <= path.size();) {
        const auto j = std::min(path.find('/', i), path.size());
        out.push_back(path.substr(i, j - i));
        i = j + 1;
    }
    return out;
}

const std::vector<std::string> kRetargeting{
    ".", "..", "%2e", "%2e%2e", "%2E%2E", ".%2e", "%2e.", "%252e%252e", "%25252e", "..;", "..;jsessionid=x", ".;x",
    "a/../b", "../x", "x/..", "a/./b", "a\\..\\b", "..\\x", "a%2F..%2Fb", "a%252F..%252Fb", "/x", "x/", "a//b", "/",
    "a\nb", "a\rb", std::string("a\0b", 3), "a\x7f", "%0d%0aX-Injected:%201", "%00",
    "%2525252525252525252e",  // deeper than any server decodes
};

}  // namespace

TEST_CASE("path values: '.', '..' and their disguises are refused for every parameter of every operation") {
    const auto config = test_config();
    const auto ops = own_path_params();
    REQUIRE(ops.size() > 20);
    for (const auto& [spec, name] : ops) {
        for (const auto& bad : kRetargeting) {
            CAPTURE(spec->id());
            CAPTURE(name);
            CAPTURE(bad);
            auto args = sample_args(*spec);
            args.params[name] = bad;
            auto req = build_request(*spec, args, config);
            REQUIRE_FALSE(req.ok());
            CHECK(req.error().kind == ErrorKind::invalid_input);
            CHECK(req.error().message.find("--" + kebab_case(name)) != std::string::npos);
        }
    }
}

TEST_CASE("path values: ordinary ids, dots inside a name and '/' inside an id stay one encoded segment") {
    const auto config = test_config();
    const auto& del = *find_endpoint("skills.delete");
    for (const std::string ok : {"sk-1", "a.b", "...", "..a", "a..", ".hidden", "sip/1001", "a%zz", "100%", "%2", "x;y"}) {
        CAPTURE(ok);
        CallArgs a;
        a.params = {{"skillGroupId", "SG"}, {"skillId", ok}};
        auto req = build_request(del, a, config);
        REQUIRE(req.ok());
        const auto segs = segments(req->url);
        REQUIRE(segs.size() == 9);  // agentassist/api/v1/public/st-9/skill-groups/SG/skills/{id}
        CHECK(segs.back() == url_encode(ok));
        CHECK(segs[segs.size() - 2] == "skills");
    }
}

TEST_CASE("path values: a value is decoded as deep as a server might, and a deeper one is refused") {
    const auto& get = *find_endpoint("skill-groups.get");
    const auto build = [&](const std::string& id) {
        CallArgs a;
        a.params["skillGroupId"] = id;
        return build_request(get, a, test_config());
    };
    const auto encoded = [](std::string text, int times) {  // "." -> "%2e" -> "%252e" -> ...
        for (int i = 0; i < times; ++i) {
            std::string out;
            for (const char c : text) out += c == '.' ? std::string("%2e") : c == '%' ? std::string("%25") : std::string(1, c);
            text = out;
        }
        return text;
    };
    for (int times = 1; times <= 8; ++times) {
        CAPTURE(times);
        CHECK_FALSE(build(encoded("..", times)).ok());
        CHECK_FALSE(build(encoded("a/../b", times)).ok());
        CHECK(build(encoded("a.b", times)).ok());
    }
    // Eight decodings that still change the value are looked through; a ninth is refused, whatever it holds.
    CHECK_FALSE(build(encoded("a.b", 9)).ok());
    CHECK(build("%25252525252525" "41").ok());         // 8 decodings to "A"
    CHECK_FALSE(build("%2525252525252525" "41").ok());  // 9
}

TEST_CASE("path values: the account-wide ids from the configuration are configuration errors naming their origin") {
    const auto& spec = *find_endpoint("queues.list");
    for (const std::string bad : {"..", ".", "%2e%2e", "a/../b"}) {
        CAPTURE(bad);
        auto env = test_config();
        env.set("bot_id", bad, "env CCAI_BOT_ID");
        auto req = build_request(spec, CallArgs{}, env);
        REQUIRE_FALSE(req.ok());
        CHECK(req.error().kind == ErrorKind::config);
        CHECK(req.error().message.find("bot_id (env CCAI_BOT_ID)") != std::string::npos);

        auto flag = test_config();
        flag.set("bot_id", bad, "flag");  // --bot-id on this command line: input
        req = build_request(spec, CallArgs{}, flag);
        REQUIRE_FALSE(req.ok());
        CHECK(req.error().kind == ErrorKind::invalid_input);
        CHECK(req.error().message.find("--bot-id") != std::string::npos);
    }
    auto org = test_config();
    org.set("org_id", "..", "profile [default] (/c/config.toml)");
    auto req = build_request(*find_endpoint("agents.list"), CallArgs{}, org);
    REQUIRE_FALSE(req.ok());
    CHECK(req.error().kind == ErrorKind::config);
    CHECK(req.error().message.find("/c/config.toml") != std::string::npos);
    // Given for the call, the same id is the caller's input.
    CallArgs given;
    given.params["orgId"] = "..";
    req = build_request(*find_endpoint("agents.list"), given, test_config());
    REQUIRE_FALSE(req.ok());
    CHECK(req.error().kind == ErrorKind::invalid_input);
}

TEST_CASE("path values: no accepted request's path gains a dot segment from any catalog operation") {
    const auto config = test_config();
    for (const auto& spec : endpoints()) {
        CAPTURE(spec.id());
        const auto args = sample_args(spec);
        auto req = build_request(spec, args, config);
        if (!req) continue;  // multipart: no upload file here
        for (const auto& s : segments(req->url)) {
            CHECK_FALSE(s.empty());
            CHECK_FALSE(is_dot_segment(s));
        }
    }
}
