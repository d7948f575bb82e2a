// Configuration precedence: flag > env > credentials/profile > default; secrets only from 0600 files.
#include <doctest/doctest.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <fstream>

#include "ccai/client.hpp"
#include "ccai/config.hpp"
#include "ccai/http.hpp"
#include "ccai/pacer.hpp"
#include "ccai/redact.hpp"
#include "ccai/retry.hpp"
#include "support/process.hpp"

using namespace ccai;

namespace {

struct Fixture {
    std::string dir = test::temp_dir();
    std::map<std::string, std::string> env;

    void write(const std::string& name, const std::string& text, mode_t mode = 0600) {
        std::ofstream(dir + "/" + name) << text;
        ::chmod((dir + "/" + name).c_str(), mode);
    }
    Result<Config> load(std::map<std::string, std::string> flags = {}) {
        ConfigSources s;
        s.flags = std::move(flags);
        s.config_dir = dir;
        s.getenv = [this](const char* n) -> std::optional<std::string> {
            auto it = env.find(n);
            return it == env.end() ? std::nullopt : std::optional<std::string>(it->second);
        };
        return Config::load(s);
    }
};

}  // namespace

TEST_CASE("the option structs default to the settings table's defaults") {
    Config c;
    const TransportOptions t;
    CHECK(t.total_timeout == std::chrono::milliseconds(static_cast<long long>(c.number("timeout") * 1000)));
    CHECK(t.connect_timeout == std::chrono::milliseconds(static_cast<long long>(c.number("connect_timeout") * 1000)));
    const RetryOptions r;
    CHECK(r.max_attempts == static_cast<int>(c.number("max_attempts")));
    CHECK(r.max_wait == std::chrono::seconds(static_cast<long long>(c.number("max_wait"))));
    CHECK(PacerOptions{}.windows == *parse_rate_limits(setting_default("rate_limit")));
    CHECK(PacerOptions{}.windows == std::vector<RateWindow>{RateWindow{60, std::chrono::minutes(1)}});
}

TEST_CASE("precedence: flag > env > profile > default, each with its origin") {
    Fixture f;
    f.write("config.toml", "[default]\nhost = \"https://profile\"\nbot_id = \"st-profile\"\norg_id = \"o-profile\"\n"
                           "[eu]\nhost = \"https://eu\"\n");
    f.env["CCAI_BOT_ID"] = "st-env";
    f.env["CCAI_ORG_ID"] = "o-env";
    auto c = f.load({{"org_id", "o-flag"}});
    REQUIRE(c.ok());
    CHECK(c->get("org_id") == "o-flag");
    CHECK(c->all().at("org_id").origin == "flag");
    CHECK(c->get("bot_id") == "st-env");
    CHECK(c->all().at("bot_id").origin == "env CCAI_BOT_ID");
    CHECK(c->get("host") == "https://profile");
    CHECK(c->all().at("host").origin.starts_with("profile [default]"));
    CHECK(c->get("rate_limit") == "60/1m");
    CHECK(c->all().at("rate_limit").origin == "default");
    CHECK(c->profiles() == std::vector<std::string>{"default", "eu"});

    f.env["CCAI_PROFILE"] = "eu";
    auto eu = f.load();
    REQUIRE(eu.ok());
    CHECK(eu->get("host") == "https://eu");
    CHECK(f.load({{"profile", "nope"}}).error().kind == ErrorKind::config);
}

TEST_CASE("secrets come from a 0600 credentials file or the environment, never config.toml") {
    Fixture f;
    f.write("credentials", "[default]\nclient_id = \"cs-1\"\nclient_secret = \"from-file\"\n", 0600);
    auto c = f.load();
    REQUIRE(c.ok());
    CHECK(c->get("client_secret") == "from-file");
    f.env["CCAI_CLIENT_SECRET"] = "from-env";
    CHECK(f.load()->get("client_secret") == "from-env");

    f.write("credentials", "[default]\nclient_secret = \"x\"\n", 0644);
    auto unsafe = f.load();
    REQUIRE_FALSE(unsafe.ok());
    CHECK(unsafe.error().kind == ErrorKind::config);
    CHECK(unsafe.error().message.find("chmod 600") != std::string::npos);
    CHECK(unsafe.error().message.find("x\"") == std::string::npos);

    Fixture g;
    g.write("config.toml", "[default]\nclient_secret = \"oops\"\n", 0644);
    auto misplaced = g.load();
    REQUIRE_FALSE(misplaced.ok());
    CHECK(misplaced.error().message.find("oops") == std::string::npos);
}

TEST_CASE("a malformed config file is a config error with its position") {
    Fixture f;
    f.write("config.toml", "[default]\nhost = \n");
    auto c = f.load();
    REQUIRE_FALSE(c.ok());
    CHECK(c.error().kind == ErrorKind::config);
    CHECK(c.error().message.find("config.toml:2") != std::string::npos);
}

TEST_CASE("non-ASCII text is read in comments and quoted values, and is a config error anywhere else") {
    // toml++ 3.3.0 reaches __builtin_unreachable() when it classifies most non-ASCII characters (outside
    // strings and comments; fuzz_config found it), so Config::load rejects them before parsing.
    Fixture ok;
    ok.write("config.toml",
             "\xEF\xBB\xBF# h\u00f4te de prod\n[default] # \u00e9\n"
             "host = \"https://\u00e9.example\" # \"\u00e9\n"
             "bot_id='st-\u00e9\uFC00\u3001'\n"
             "org_id = \"\"\"a\n\u00e9\"\"\"\"\n"
             "jwt_sub = '''\u00e9'''\n"
             "account_id = \"q\\\"\u00e9\"\n");
    auto c = ok.load();
    REQUIRE_MESSAGE(c.ok(), (c.ok() ? "" : c.error().message));
    CHECK(c->get("host") == "https://\u00e9.example");
    CHECK(c->get("bot_id") == "st-\u00e9\uFC00\u3001");
    CHECK(c->get("org_id") == "a\n\u00e9\"");
    CHECK(c->get("jwt_sub") == "\u00e9");
    CHECK(c->get("account_id") == "q\"\u00e9");

    for (const char* line : {"\u00e9 = 1", "host = \"x\" \u00e9", "host = \u00e9", "host = \"\"\"x\"\"\"\"\" \u00e9",
                             "host = \"x\n\u00e9 = 1", "host = 1\uFC00", "host = b=\"\u00e9\"", "host = 1.\"\u00e9\"",
                             "host = 3max_\"he/\u00e9.example\" # t]",  // fuzz_config's input
                             "\"\u00e9\" = 1", "host = [\"\u00e9\"]", "host = \"\"\"x\\\n  \u00e9\"\"\"",
                             "host = \"\"\"\\\u00e9\"\"\"", "host = 'x' '\u00e9'"}) {
        CAPTURE(line);
        Fixture f;
        f.write("config.toml", std::string("[default]\n") + line + "\n");
        auto r = f.load();
        REQUIRE_FALSE(r.ok());
        CHECK(r.error().kind == ErrorKind::config);
        CHECK(r.error().message.find("non-ASCII text is only read in comments and in quoted values") !=
              std::string::npos);
    }
    Fixture header;
    header.write("config.toml", "[d\u3001]\n");
    CHECK_FALSE(header.load().ok());
    Fixture at;
    at.write("config.toml", "[default]\nhost = \"x\" # \"\nbot_id = 1 \u00e9\n");
    auto r = at.load();
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().message.find("config.toml:3:12:") != std::string::npos);
}

TEST_CASE("a config file that exists but cannot be opened is a config error, not an empty profile") {
    // A socket stands in for an unreadable file: the tests run as root, who may read any mode.
    Fixture f;
    const std::string path = f.dir + "/config.toml";
    const int fd = ::socket(AF_UNIX, SOCK_STREAM, 0);
    REQUIRE(fd >= 0);
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    REQUIRE(path.size() < sizeof addr.sun_path);
    std::copy(path.begin(), path.end(), addr.sun_path);
    REQUIRE(::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
    auto c = f.load();
    ::close(fd);
    REQUIRE_FALSE(c.ok());
    CHECK(c.error().kind == ErrorKind::config);
    CHECK(c.error().message.starts_with(path + ": cannot be opened for reading ("));
}

TEST_CASE("profile values keep their TOML type's text; a huge float is not cast to an integer (fuzz_config)") {
    // UBSan: "6.66667e+29 is outside the range of representable values of type 'long'" from
    // node::value<long long>() on a float. Out of range, it is then refused, by its text.
    Fixture f;
    f.write("config.toml", "[default]\ntimeout = 6.6e29\n");
    auto huge = f.load();
    REQUIRE_FALSE(huge.ok());
    CHECK(huge.error().message.find("timeout '6.6e+29'") != std::string::npos);
    f.write("config.toml", "[default]\ntimeout = 7.5\nconnect_timeout = 2.5\nmax_attempts = 3\njwt_jti = true\n");
    auto c = f.load();
    REQUIRE(c.ok());
    CHECK(c->get("timeout") == "7.5");
    CHECK(c->get("connect_timeout") == "2.5");
    CHECK(c->get("max_attempts") == "3");
    CHECK(c->get("jwt_jti") == "true");
}

TEST_CASE("mask_secret never reveals more than two characters") {
    CHECK(mask_secret("") == "");
    CHECK(mask_secret("abc") == "****");
    CHECK(mask_secret("abcdefghij") == "ab****");
}

TEST_CASE("redis_password is a secret: from the credentials file or CCAI_REDIS_PASSWORD, masked, never config.toml") {
    Fixture f;
    f.write("credentials", "[default]\nredis_password = \"pw-from-file\"\n", 0600);
    auto c = f.load();
    REQUIRE(c.ok());
    CHECK(c->get("redis_password") == "pw-from-file");
    CHECK(redact("AUTH pw-from-file") == "AUTH " + std::string(kRedacted));  // registered as a secret
    f.env["CCAI_REDIS_PASSWORD"] = "pw-from-env";
    auto e = f.load();
    REQUIRE(e.ok());
    CHECK(e->get("redis_password") == "pw-from-env");
    auto opts = pacer_options(*e);
    REQUIRE(opts.ok());
    CHECK(opts->redis_password == "pw-from-env");

    Fixture g;
    g.write("config.toml", "[default]\nredis_password = \"pw-in-the-open\"\n", 0644);
    auto misplaced = g.load();
    REQUIRE_FALSE(misplaced.ok());
    CHECK(misplaced.error().message.find("pw-in-the-open") == std::string::npos);
}

TEST_CASE("a password in the pacer URL is refused wherever it comes from, and never repeated") {
    for (const std::string pw : {"hunter2", "p@ss:w/rd", "Q"}) {
        CAPTURE(pw);
        Fixture f;
        f.env["CCAI_PACER"] = "redis://pacer:" + pw + "@127.0.0.1:6379";
        auto refused = f.load();  // every setting is checked as the configuration is read
        REQUIRE_FALSE(refused.ok());
        CHECK(refused.error().kind == ErrorKind::config);  // exit 3
        CHECK(refused.error().message.find("CCAI_REDIS_PASSWORD") != std::string::npos);
        CHECK(refused.error().message.find("pacer:***@127.0.0.1") != std::string::npos);
        CHECK(refused.error().message.find(pw) == std::string::npos);

        Fixture g;
        auto bad_flag = g.load({{"pacer", "redis://:" + pw + "@127.0.0.1:6379"}});
        REQUIRE_FALSE(bad_flag.ok());
        CHECK(bad_flag.error().kind == ErrorKind::invalid_input);  // exit 2
        CHECK(bad_flag.error().message.find(pw) == std::string::npos);
    }
    Fixture tls;
    tls.env["CCAI_PACER"] = "rediss://cache.internal:6380";
    auto t = tls.load();
    REQUIRE_FALSE(t.ok());
    CHECK(t.error().message.find("tunnel") != std::string::npos);
}

TEST_CASE("a setting that is not UTF-8 is a config error; a secret's value is never repeated") {
    Fixture f;
    f.env["CCAI_CLIENT_ID"] = "cl\xFF";
    auto c = f.load();
    REQUIRE(!c);
    CHECK(c.error().kind == ErrorKind::config);
    CHECK(c.error().message == "bad client_id 'cl\xFF' (from env CCAI_CLIENT_ID): expected UTF-8 text (byte 3 is not)");
    f.env.clear();
    f.env["CCAI_CLIENT_SECRET"] = "s3cr3t-\xE9t\xE9";
    c = f.load();
    REQUIRE(!c);
    CHECK(c.error().message == "bad client_secret (from env CCAI_CLIENT_SECRET): expected UTF-8 text (byte 8 is not)");
    // A flag is the user's typing: exit 2.
    c = f.load({{"bot_id", "st-\xC0\xAF"}});
    REQUIRE(!c);
    CHECK(c.error().kind == ErrorKind::invalid_input);
    CHECK(c.error().message == "bad bot_id 'st-\xC0\xAF' (from --bot-id): expected UTF-8 text (byte 4 is not)");
}
