// Setting values: every non-text row of the settings table is checked with its range, from any origin; the
// error names the setting, the value, the origin and what is accepted. The transport gets the checked values.
#include <doctest/doctest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <fstream>

#include "ccai/client.hpp"
#include "ccai/config.hpp"
#include "support/process.hpp"

using namespace ccai;
using namespace std::chrono_literals;

namespace {

Result<Unit> check(const std::string& key, const std::string& value, const std::string& origin = "env CCAI_X") {
    Config c;
    c.set(key, value, origin);
    return validate_settings(c);
}

struct Bad {
    const char* key;
    const char* value;
    const char* expected;  // a part of the message that names what is accepted
};

}  // namespace

TEST_CASE("bad values of every checked setting are refused, with the setting, value, origin and range") {
    const Bad cases[] = {
        {"timeout", "abc", "from 0.001 to 86400"},      {"timeout", "-1", "seconds"},
        {"timeout", "0", "seconds"},                    {"timeout", "nan", "seconds"},
        {"timeout", "inf", "seconds"},                  {"timeout", "", "seconds"},
        {"timeout", " 5", "seconds"},                   {"timeout", "5s", "seconds"},
        {"timeout", "0x10", "seconds"},                 {"timeout", "1e400", "seconds"},
        {"timeout", "86401", "86400"},                  {"timeout", "0.0001", "0.001"},
        {"connect_timeout", "-5", "seconds"},           {"max_attempts", "0", "from 1 to 100"},
        {"max_attempts", "-1", "whole number"},         {"max_attempts", "abc", "whole number"},
        {"max_attempts", "2.5", "whole number"},        {"max_attempts", "101", "from 1 to 100"},
        {"max_attempts", "99999999999999999999", "whole number"},
        {"max_wait", "nan", "seconds"},                 {"max_wait", "-0.5", "from 0 to 86400"},
        {"jwt_ttl", "-100", "from 120 to 86400"},       {"jwt_ttl", "60", "from 120"},
        {"jwt_ttl", "3600.5", "whole number"},          {"jwt_jti", "maybe", "true or false"},
        {"jwt_jti", "TRUE", "true or false"},           {"allow_http", "yes", "true or false"},
        {"pacer_dir_shared", "1", "true or false"},     {"pacer_fallback", "bogus", "one of file"},
        {"compression", "zip", "one of gzip, none"},    {"output", "xml", "one of json, jsonl, csv, yaml, table, text"},
        {"pacer", "disk", "file, memory or redis://"},  {"pacer", "redis://", "redis://[USER@]HOST"},
        {"pacer", "rediss://h:6380", "TLS tunnel"},
        {"pacer_margin", "lots", "percentage"},         {"pacer_margin", "200%", "from 0% to 100%"},
        {"pacer_margin", "-1%", "percentage"},          {"rate_limit", "fast", "60/1m"},
        {"rate_limit", "", "60/1m"},                    {"ca_bundle", "/nonexistent/ca.pem", "no such file"},
    };
    for (const auto& c : cases) {
        CAPTURE(c.key);
        CAPTURE(c.value);
        auto from_env = check(c.key, c.value, "env CCAI_SOMETHING");
        REQUIRE_FALSE(from_env.ok());
        CHECK(from_env.error().kind == ErrorKind::config);
        const auto& m = from_env.error().message;
        CHECK(m.find(std::string(c.key) + " '" + c.value + "'") != std::string::npos);
        CHECK(m.find("env CCAI_SOMETHING") != std::string::npos);
        CHECK(m.find(c.expected) != std::string::npos);

        auto from_flag = check(c.key, c.value, "flag");
        REQUIRE_FALSE(from_flag.ok());
        CHECK(from_flag.error().kind == ErrorKind::invalid_input);
        std::string flag = std::string("--") + c.key;
        std::replace(flag.begin(), flag.end(), '_', '-');
        CHECK(from_flag.error().message.find(flag) != std::string::npos);
    }
}

TEST_CASE("good values pass, and number() reads them in the setting's unit") {
    Config c;
    const std::pair<const char*, const char*> good[] = {
        {"timeout", "0.5"},        {"connect_timeout", "2.5e-1"}, {"max_attempts", "1"}, {"max_wait", "0"},
        {"jwt_ttl", "120"},        {"jwt_jti", "true"},           {"allow_http", "false"}, {"pacer_dir_shared", ""},
        {"pacer_fallback", "file"}, {"compression", "none"},       {"output", "text"},     {"pacer", "redis://h:6379/2"}, {"pacer", "redis://pacer@h:6379/2"},
        {"pacer_margin", "1%"},    {"rate_limit", "60/1m,1800/1h"}, {"ca_bundle", ""},     {"host", "anything at all"},
    };
    for (const auto& [k, v] : good) c.set(k, v, "flag");
    const auto valid = validate_settings(c);
    CHECK_MESSAGE(valid.ok(), (valid.ok() ? "" : valid.error().message));
    CHECK(c.number("timeout") == 0.5);
    CHECK(c.number("connect_timeout") == 0.25);
    CHECK(c.number("max_attempts") == 1);
    CHECK(c.number("pacer_margin") == doctest::Approx(0.01));
    CHECK(c.enabled("jwt_jti"));
    CHECK_FALSE(c.enabled("allow_http"));

    Config empty;  // unset: the table's default, the one place defaults live
    CHECK(empty.number("timeout") == 60);
    CHECK(empty.number("max_attempts") == 6);
    CHECK(empty.number("jwt_ttl") == 3600);
    CHECK(empty.number("pacer_margin") == doctest::Approx(0.005));
    c.set("pacer_margin", "0.02", "test");  // a bare number is a fraction
    CHECK(c.number("pacer_margin") == doctest::Approx(0.02));
}

TEST_CASE("Config::load checks values from flags, the environment and profiles alike") {
    const auto dir = test::temp_dir();
    std::ofstream(dir + "/config.toml") << "[default]\ntimeout = \"abc\"\n";
    ConfigSources s;
    s.config_dir = dir;
    s.getenv = [](const char*) -> std::optional<std::string> { return std::nullopt; };
    auto from_profile = Config::load(s);
    REQUIRE_FALSE(from_profile.ok());
    CHECK(from_profile.error().kind == ErrorKind::config);
    CHECK(from_profile.error().message.find("timeout 'abc' (from profile [default] (" + dir + "/config.toml))") !=
          std::string::npos);

    s.getenv = [](const char* n) -> std::optional<std::string> {
        return std::string(n) == "CCAI_MAX_ATTEMPTS" ? std::optional<std::string>("0") : std::nullopt;
    };
    s.flags["timeout"] = "30";  // the flag wins over the bad profile value
    auto from_env = Config::load(s);
    REQUIRE_FALSE(from_env.ok());
    CHECK(from_env.error().kind == ErrorKind::config);
    CHECK(from_env.error().message.find("max_attempts '0' (from env CCAI_MAX_ATTEMPTS)") != std::string::npos);

    s.flags["max_attempts"] = "2.5";
    auto from_flag = Config::load(s);
    REQUIRE_FALSE(from_flag.ok());
    CHECK(from_flag.error().kind == ErrorKind::invalid_input);
    CHECK(from_flag.error().message.find("max_attempts '2.5' (from --max-attempts)") != std::string::npos);

    s.flags["max_attempts"] = "3";
    CHECK(Config::load(s).ok());
}

TEST_CASE("transport options: sub-second timeouts in milliseconds, rounded up") {
    Config c;
    c.set("timeout", "0.5", "test");
    c.set("connect_timeout", "0.0015", "test");
    c.set("compression", "none", "test");
    const auto none = [](const char*) -> std::optional<std::string> { return std::nullopt; };
    auto t = transport_options(c, {}, none);
    REQUIRE(t.ok());
    CHECK(t->total_timeout == 500ms);
    CHECK(t->connect_timeout == 2ms);  // never 0, which libcurl reads as no timeout at all
    CHECK_FALSE(t->gzip);
    CHECK(t->ca_file.empty());
    CHECK(t->ca_path.empty());
    auto defaults = transport_options(Config{}, {}, none);
    REQUIRE(defaults.ok());
    CHECK(defaults->total_timeout == 60s);
    CHECK(defaults->connect_timeout == 10s);
}

TEST_CASE("TLS trust: the ca_bundle setting, then CURL_CA_BUNDLE, then SSL_CERT_FILE and SSL_CERT_DIR") {
    const auto dir = test::temp_dir();
    const auto pem = [&](const std::string& name) {
        std::ofstream(dir + "/" + name) << "# a bundle\n-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n";
        return dir + "/" + name;
    };
    const auto setting = pem("setting.pem"), curl = pem("curl.pem"), ssl = pem("ssl.pem");
    std::map<std::string, std::string> env{{"CURL_CA_BUNDLE", curl}, {"SSL_CERT_FILE", ssl}, {"SSL_CERT_DIR", dir}};
    const Getenv getenv = [&](const char* n) -> std::optional<std::string> {
        auto it = env.find(n);
        return it == env.end() ? std::nullopt : std::optional<std::string>(it->second);
    };
    const auto trust = [&](const Config& c) {
        auto t = transport_options(c, {}, getenv);
        REQUIRE_MESSAGE(t.ok(), (t.ok() ? "" : t.error().message));
        return std::pair{t->ca_file, t->ca_path};
    };
    Config with_setting;
    with_setting.set("ca_bundle", setting, "profile [default] (x)");
    CHECK(trust(with_setting) == std::pair{setting, std::string()});
    CHECK(trust(Config{}) == std::pair{curl, std::string()});
    env.erase("CURL_CA_BUNDLE");
    CHECK(trust(Config{}) == std::pair{ssl, dir});  // curl reads both of OpenSSL's variables
    env.erase("SSL_CERT_FILE");
    CHECK(trust(Config{}) == std::pair{std::string(), dir});
    env.erase("SSL_CERT_DIR");
    env["SSL_CERT_FILE"] = "";  // empty: unset
    CHECK(trust(Config{}) == std::pair{std::string(), std::string()});

    TransportOptions chosen;  // a program's own choice is kept
    chosen.ca_file = setting;
    env["CURL_CA_BUNDLE"] = curl;
    auto kept = transport_options(Config{}, chosen, getenv);
    REQUIRE(kept.ok());
    CHECK(kept->ca_file == setting);
}

TEST_CASE("TLS trust: a CA file or directory that cannot be used is a configuration error, at once") {
    const auto dir = test::temp_dir();
    std::ofstream(dir + "/empty.pem") << "not a certificate\n";
    REQUIRE(::mkfifo((dir + "/fifo.pem").c_str(), 0600) == 0);  // opened for reading, it would block
    std::ofstream(dir + "/file") << "x";
    struct Case {
        const char* var;
        std::string value;
        const char* problem;
    };
    const Case cases[] = {
        {"CURL_CA_BUNDLE", dir + "/missing.pem", "no such file"},
        {"SSL_CERT_FILE", dir + "/missing.pem", "no such file"},
        {"SSL_CERT_FILE", dir, "not a regular file"},
        {"SSL_CERT_FILE", dir + "/fifo.pem", "not a regular file"},
        {"CURL_CA_BUNDLE", dir + "/empty.pem", "holds no PEM certificate"},
        {"SSL_CERT_DIR", dir + "/missing", "no such directory"},
        {"SSL_CERT_DIR", dir + ":" + dir + "/file", "is not a directory"},
    };
    for (const auto& c : cases) {
        CAPTURE(c.var);
        CAPTURE(c.value);
        const Getenv getenv = [&](const char* n) -> std::optional<std::string> {
            return std::string(n) == c.var ? std::optional<std::string>(c.value) : std::nullopt;
        };
        auto t = transport_options(Config{}, {}, getenv);
        REQUIRE_FALSE(t.ok());
        CHECK(t.error().kind == ErrorKind::config);
        CHECK(t.error().message.find(std::string("env ") + c.var) != std::string::npos);
        CHECK(t.error().message.find(c.problem) != std::string::npos);
    }
    Config flagged;
    flagged.set("ca_bundle", dir + "/empty.pem", "flag");
    auto from_flag = validate_settings(flagged);
    REQUIRE_FALSE(from_flag.ok());
    CHECK(from_flag.error().kind == ErrorKind::invalid_input);
    CHECK(from_flag.error().message.find("--ca-bundle") != std::string::npos);
}
