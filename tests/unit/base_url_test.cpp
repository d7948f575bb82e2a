// The host setting: what each spelling means, what is refused, and when plain http is allowed.
#include <doctest/doctest.h>

#include "ccai/base_url.hpp"
#include "ccai/client.hpp"

using namespace ccai;

namespace {
Config with_host(const std::string& host, const std::string& origin = "env CCAI_HOST") {
    Config c;
    c.set("host", host, origin);
    return c;
}
}  // namespace

TEST_CASE("base url: no scheme means https, and spellings of one host normalise to one text") {
    const std::vector<std::pair<std::string, std::string>> cases{
        {"platform.kore.ai", "https://platform.kore.ai"},
        {"h.example:8443", "https://h.example:8443"},
        {"https://platform.kore.ai", "https://platform.kore.ai"},
        {"HTTPS://Platform.Kore.AI:443/", "https://platform.kore.ai"},
        {"https://h///", "https://h"},
        {"http://127.0.0.1:80", "http://127.0.0.1"},
        {"http://127.0.0.1:08080", "http://127.0.0.1:8080"},
        {"https://h/ccai/v1/", "https://h/ccai/v1"},
        {"https://[::1]:8443", "https://[::1]:8443"},
        {"https://[::1]", "https://[::1]"},
        {"https://h/a%20b/x~y", "https://h/a%20b/x~y"},
        {"HTTPS://H:221/a7@../bo", "https://h:221/a7@../bo"},  // after the first '/', '@' is a path character
    };
    for (const auto& [in, out] : cases) {
        CAPTURE(in);
        const auto url = parse_base_url(in);
        REQUIRE(url.ok());
        CHECK(url->text == out);
    }
    const auto prefixed = parse_base_url("https://h:8443/ccai/");
    REQUIRE(prefixed.ok());
    CHECK(prefixed->scheme == "https");
    CHECK(prefixed->host == "h");
    CHECK(prefixed->port == "8443");
    CHECK(prefixed->prefix == "/ccai");
}

TEST_CASE("base url: queries, fragments, user information and malformed hosts are refused") {
    const std::vector<std::string> refused{
        "",
        "https://h/prefix?x=1#f",
        "https://h?x=1",
        "https://h#f",
        "https://h/#",
        "https://user:pw@h",
        "https://@h",
        "ftp://h",
        "file:///etc/passwd",
        "javascript://h",
        "https://",
        "https:///x",
        "//h",
        "https://:8443",
        "https://h:",
        "https://h:0",
        "https://h:65536",
        "https://h:99999999999999999999",
        "https://h:-1",
        "https://h:8a",
        "https://h:1:2",
        "https://h/a//b",
        "https://h/a/../b",
        "https://h/..",
        "https://h/.",
        "https://h/%2e%2e",
        "https://h/%252E%252e/x",
        "https://h/..;x",
        "https://h/a b",
        "https://h/a%zz",
        "https://h/a%2",
        "https://h/a\"b",
        "https://h\\@evil.example",
        "https://h\\evil",
        "https://h x",
        "https://h\r\nX-Injected: 1",
        std::string("https://h\0x", 10),
        "https://\xc3\xa9.example",
        "https://[::1",
        "https://[::1]x",
        "https://[::1]:",
        "https://[fe80::1%25eth0]",
        "https://[not-ipv6]",
        "https://h_a$b",
    };
    for (const auto& host : refused) {
        CAPTURE(host);
        const auto url = parse_base_url(host);
        REQUIRE_FALSE(url.ok());
        CHECK(url.error().kind == ErrorKind::invalid_input);
        CHECK_FALSE(url.error().message.empty());
    }
}

TEST_CASE("base url: refusals never repeat a query, fragment or password") {
    for (const std::string host : {"https://u:hunter2@h", "https://h/?key=hunter2", "https://h#hunter2",
                                   "http://u:hunter2@192.0.2.2"}) {
        CAPTURE(host);
        const auto url = base_url(with_host(host));
        REQUIRE_FALSE(url.ok());
        CHECK(url.error().message.find("hunter2") == std::string::npos);
    }
}

TEST_CASE("base url: loopback is localhost, 127.0.0.0/8 and ::1, nothing that only looks like them") {
    for (const std::string host : {"http://localhost", "http://LOCALHOST:8080", "http://127.0.0.1", "http://127.255.3.4:1",
                                   "http://[::1]:8080", "http://[0:0:0:0:0:0:0:1]", "http://[::ffff:127.0.0.1]"}) {
        CAPTURE(host);
        const auto url = parse_base_url(host);
        REQUIRE(url.ok());
        CHECK(url->loopback);
    }
    for (const std::string host : {"http://192.0.2.2", "http://128.0.0.1", "http://localhost.evil.example",
                                   "http://127.0.0.1.evil.example", "http://evil-127.0.0.1", "http://[::2]",
                                   "http://[::ffff:192.0.2.2]", "http://2130706433", "http://0x7f.1", "http://127.1",
                                   "http://0.0.0.0", "http://localhost.", "http://127.000.000.001"}) {
        CAPTURE(host);
        const auto url = parse_base_url(host);
        if (url) CHECK_FALSE(url->loopback);
    }
}

TEST_CASE("base url: plain http to another machine needs allow_http, and the error says where host came from") {
    auto env = with_host("http://192.0.2.2:8080");
    auto refused = base_url(env);
    REQUIRE_FALSE(refused.ok());
    CHECK(refused.error().kind == ErrorKind::config);
    CHECK(refused.error().message.find("env CCAI_HOST") != std::string::npos);
    CHECK(refused.error().message.find("--allow-http") != std::string::npos);

    auto flag = with_host("http://192.0.2.2:8080", "flag");
    refused = base_url(flag);
    REQUIRE_FALSE(refused.ok());
    CHECK(refused.error().kind == ErrorKind::invalid_input);  // typed on this command line: input, exit 2
    CHECK(refused.error().message.find("--host") != std::string::npos);

    env.set("allow_http", "true", "flag");
    auto allowed = base_url(env);
    REQUIRE(allowed.ok());
    CHECK(allowed->text == "http://192.0.2.2:8080");
    env.set("allow_http", "false", "env CCAI_ALLOW_HTTP");
    CHECK_FALSE(base_url(env).ok());
    env.set("allow_http", "yes", "env CCAI_ALLOW_HTTP");
    refused = base_url(env);
    REQUIRE_FALSE(refused.ok());
    CHECK(refused.error().message.find("allow_http (env CCAI_ALLOW_HTTP)") != std::string::npos);

    CHECK(base_url(with_host("http://127.0.0.1:8080")).ok());
    CHECK(base_url(with_host("http://localhost")).ok());
    CHECK(base_url(with_host("https://192.0.2.2")).ok());
    auto bad = base_url(with_host("https://h?x", "profile [default] (/x/config.toml)"));
    REQUIRE_FALSE(bad.ok());
    CHECK(bad.error().kind == ErrorKind::config);
    CHECK(bad.error().message.find("profile [default] (/x/config.toml)") != std::string::npos);
    CHECK(base_url(Config{}).error().kind == ErrorKind::config);  // no host at all
}

TEST_CASE("base url: the pacer's scope is the account's, whatever the host's spelling") {
    Config a = with_host("http://127.0.0.1:8080");
    Config b = with_host("http://127.0.0.1:8080/");
    Config c = with_host("HTTP://127.0.0.1:8080");
    Config d = with_host("https://platform.kore.ai");
    for (auto* cfg : {&a, &b, &c, &d}) cfg->set("account_id", "acc", "test");
    CHECK(pacer_scope(a) == "account|acc");
    CHECK(pacer_scope(b) == pacer_scope(a));
    CHECK(pacer_scope(c) == pacer_scope(a));
    CHECK(pacer_scope(d) == pacer_scope(a));
    d.set("account_id", "other", "test");
    CHECK(pacer_scope(d) != pacer_scope(a));
    // Without an account id, the normalised host.
    Config e = with_host("platform.kore.ai");
    Config f = with_host("HTTPS://Platform.Kore.AI:443/");
    CHECK(pacer_scope(e) == "host|https://platform.kore.ai");
    CHECK(pacer_scope(f) == pacer_scope(e));
    // The pacer_scope setting names the budget itself.
    a.set("pacer_scope", "team-budget", "flag");
    a.set("rate_limit", "60/1m", "test");
    CHECK(pacer_scope(a) == "team-budget");
    CHECK(pacer_options(a)->scope == "team-budget");
}
