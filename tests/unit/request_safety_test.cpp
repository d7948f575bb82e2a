// What build_request and Client::send refuse so that a request never goes somewhere the user did not mean
// or carries a header the user did not write: dot segments in path values, line breaks in header values.
#include <doctest/doctest.h>

#include "ccai/client.hpp"
#include "ccai/request_builder.hpp"
#include "support/catalog_samples.hpp"
#include "support/fakes.hpp"

using namespace ccai;

namespace {

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
    for (auto& [k, v] : test::sample_params(spec, false)) a.params[k] = v;
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
    const auto config = test::sample_profile();
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
            CHECK(req.error().message.find("parameter " + std::string(name)) != std::string::npos);
            CHECK(req.error().parameters == std::vector<std::string>{std::string(name)});
        }
    }
}

TEST_CASE("path values: ordinary ids, dots inside a name and '/' inside an id stay one encoded segment") {
    const auto config = test::sample_profile();
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
        return build_request(get, a, test::sample_profile());
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
        auto env = test::sample_profile();
        env.set("bot_id", bad, "env CCAI_BOT_ID");
        auto req = build_request(spec, CallArgs{}, env);
        REQUIRE_FALSE(req.ok());
        CHECK(req.error().kind == ErrorKind::config);
        CHECK(req.error().message.find("bot_id (env CCAI_BOT_ID)") != std::string::npos);

        auto flag = test::sample_profile();
        flag.set("bot_id", bad, "flag");  // --bot-id on this command line: input
        req = build_request(spec, CallArgs{}, flag);
        REQUIRE_FALSE(req.ok());
        CHECK(req.error().kind == ErrorKind::invalid_input);
        CHECK(req.error().message.find("--bot-id") != std::string::npos);
    }
    auto org = test::sample_profile();
    org.set("org_id", "..", "profile [default] (/c/config.toml)");
    auto req = build_request(*find_endpoint("agents.list"), CallArgs{}, org);
    REQUIRE_FALSE(req.ok());
    CHECK(req.error().kind == ErrorKind::config);
    CHECK(req.error().message.find("/c/config.toml") != std::string::npos);
    // Given for the call, the same id is the caller's input.
    CallArgs given;
    given.params["orgId"] = "..";
    req = build_request(*find_endpoint("agents.list"), given, test::sample_profile());
    REQUIRE_FALSE(req.ok());
    CHECK(req.error().kind == ErrorKind::invalid_input);
}

TEST_CASE("path values: no accepted request's path gains a dot segment from any catalog operation") {
    const auto config = test::sample_profile();
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

TEST_CASE("header values: a line break or NUL in a setting that becomes a header is a configuration error") {
    const auto& spec = *find_endpoint("queues.list");
    for (const auto& bad : std::vector<std::string>{"acct\r\nX-Injected: yes", "acct\nX-Injected: yes", "acct\r",
                                                     std::string("ac\0ct", 5), "a\x01"}) {
        for (const std::string key : {"account_id", "bot_id", "token"}) {
            CAPTURE(key);
            auto c = test::sample_profile();
            c.set(key, bad, "env CCAI_X");
            auto req = build_request(spec, CallArgs{}, c);
            REQUIRE_FALSE(req.ok());
            CHECK(req.error().kind == ErrorKind::config);
            CHECK(req.error().message.find(key + " (env CCAI_X)") != std::string::npos);
            CHECK(req.error().message.find("X-Injected") == std::string::npos);  // the value is never repeated
        }
    }
    auto tab = test::sample_profile();
    tab.set("account_id", "acc\t1", "test");  // HTAB is legal inside a field value
    CHECK(build_request(spec, CallArgs{}, tab).ok());
}

TEST_CASE("header values: an SDK caller's extra headers are checked too") {
    const auto& spec = *find_endpoint("queues.list");
    const std::vector<std::pair<std::string, std::string>> refused{
        {"X-A", "b\r\nX-Inj: 1"}, {"X-A", "b\n"}, {"X-A", std::string("b\0", 2)}, {"Host", "evil.example"},
        {"host", "evil.example"}, {"Content-Length", "0"}, {"Transfer-Encoding", "chunked"}, {"Connection", "close"},
        {"Upgrade", "h2c"}, {"Bad Name", "v"}, {"", "v"}, {"X-A\r\nX-Inj", "1"}, {"X:A", "v"}};
    for (const auto& h : refused) {
        CAPTURE(h.first);
        CallArgs a;
        a.extra_headers.push_back(h);
        auto req = build_request(spec, a, test::sample_profile());
        REQUIRE_FALSE(req.ok());
        CHECK(req.error().kind == ErrorKind::invalid_input);
    }
    CallArgs ok;
    ok.extra_headers = {{"X-Trace", "a b\tc"}, {"x-empty", ""}, {"X-Tok_en!#$%&'*+.^`|~", "v"}};
    CHECK(build_request(spec, ok, test::sample_profile()).ok());
}

TEST_CASE("header checks: names are tokens, values hold no CR, LF, NUL or other control character") {
    CHECK(is_header_name("accountid"));
    CHECK(is_header_name("X-Custom_1"));
    CHECK_FALSE(is_header_name(""));
    CHECK_FALSE(is_header_name("a b"));
    CHECK_FALSE(is_header_name("a:b"));
    CHECK_FALSE(is_header_name("a\r\nb"));
    CHECK_FALSE(is_header_name("caf\xc3\xa9"));
    CHECK(header_value_problem("").empty());
    CHECK(header_value_problem("a b\tc \xc3\xa9").empty());
    CHECK_FALSE(header_value_problem("a\rb").empty());
    CHECK_FALSE(header_value_problem("a\nb").empty());
    CHECK_FALSE(header_value_problem(std::string_view("a\0b", 3)).empty());
    CHECK_FALSE(header_value_problem("a\x1b[31m").empty());
    CHECK_FALSE(header_value_problem("a\x7f").empty());
    for (const char* name : {"Host", "HOST", "content-length", "Transfer-Encoding", "connection", "TE", "Upgrade"})
        CHECK(is_reserved_header(name));
    CHECK_FALSE(is_reserved_header("accountid"));
    CHECK_FALSE(is_reserved_header("auth"));
}

TEST_CASE("Client: create refuses an unsafe host or header setting; send never puts a bad request on the wire") {
    const std::map<std::string, std::string> base{{"host", "http://127.0.0.1:1"}, {"bot_id", "st-1"}, {"account_id", "acc"},
                                                  {"client_id", "cs-1"}, {"client_secret", "s"}, {"rate_limit", "60/1m"},
                                                  {"pacer", "memory"}};
    const auto create = [&](std::map<std::string, std::string> changes) {
        ClientOptions o;
        auto settings = base;
        for (auto& [k, v] : changes) settings[k] = v;
        for (const auto& [k, v] : settings) o.config.set(k, v, "env CCAI_X");
        o.transport = std::make_shared<test::FakeTransport>();
        o.clock = std::make_shared<test::FakeClock>();
        return Client::create(std::move(o));
    };
    CHECK(create({}).ok());
    for (const auto& changes : std::vector<std::map<std::string, std::string>>{
             {{"host", "http://192.0.2.2:1"}}, {{"host", "https://h/?q"}}, {{"host", "https://u:p@h"}},
             {{"token", "eyJ\r\nX-Injected: 1"}}, {{"account_id", "a\nb"}}, {{"bot_id", std::string("b\0", 2)}}}) {
        auto c = create(changes);
        REQUIRE_FALSE(c.ok());
        CHECK(c.error().kind == ErrorKind::config);
    }
    auto allowed = create({{"host", "http://192.0.2.2:1"}, {"allow_http", "true"}});
    CHECK(allowed.ok());

    test::FakeClient h({{"host", "https://h/base"}, {"bot_id", "st-1"}, {"account_id", "acc"}, {"client_id", "cs-1"},
                        {"client_secret", "s"}, {"rate_limit", "60/1m"}, {"pacer", "memory"}},
                       {}, nullptr);
    const auto send = [&](std::string url, Headers headers) {
        HttpRequest r;
        r.method = "GET";
        r.url = std::move(url);
        r.headers = std::move(headers);
        return h.client->send(std::move(r));
    };
    h.transport->push(200);
    h.transport->push(200);
    CHECK(send("https://h/base/x", {{"X-A", "1"}}).ok());
    CHECK(send("https://h/base?x=1", {}).ok());
    REQUIRE(h.transport->requests.size() == 2);
    for (const auto& [url, headers] : std::vector<std::pair<std::string, Headers>>{
             {"https://h/base/x", {{"X-A", "1\r\nX-Inj: 1"}}},
             {"https://h/base/x", {{"Host", "evil.example"}}},
             {"https://h/base/x", {{"X A", "1"}}},
             {"https://h/basement/x", {}},
             {"https://evil.example/base/x", {}},
             {"http://h/base/x", {}},
             {"https://h/base/x#frag", {}},
             {"https://h/base/x y", {}},
             {"https://h/base/x\r\nX-Inj: 1", {}}}) {
        CAPTURE(url);
        auto r = send(url, headers);
        REQUIRE_FALSE(r.ok());
        CHECK(r.error().kind == ErrorKind::invalid_input);
        CHECK_FALSE(r.error().maybe_reached_server);
    }
    CHECK(h.transport->requests.size() == 2);  // nothing more reached the transport
}

TEST_CASE("the host: a base path is kept in front of the API path; http to another machine is refused") {
    auto c = test::sample_profile();
    c.set("host", "https://gw.example/ccai/", "test");
    auto req = build_request(*find_endpoint("queues.list"), CallArgs{}, c);
    REQUIRE(req.ok());
    CHECK(req->url == "https://gw.example/ccai/agentassist/api/v1/public/st-9/queues");
    c.set("host", "cc.example.com:8443", "test");
    req = build_request(*find_endpoint("queues.list"), CallArgs{}, c);
    REQUIRE(req.ok());
    CHECK(req->url.starts_with("https://cc.example.com:8443/"));
    c.set("host", "http://192.0.2.2:8080", "env CCAI_HOST");
    req = build_request(*find_endpoint("queues.list"), CallArgs{}, c);
    REQUIRE_FALSE(req.ok());
    CHECK(req.error().kind == ErrorKind::config);
    c.set("host", "https://cc.example.com/x?y#z", "env CCAI_HOST");
    CHECK_FALSE(build_request(*find_endpoint("queues.list"), CallArgs{}, c).ok());
}
