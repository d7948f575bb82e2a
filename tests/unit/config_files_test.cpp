// The files Config::load reads: only regular files, credentials only when they are the user's own and
// private, and no key it does not know, in any profile.
#include <doctest/doctest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fstream>

#include "ccai/config.hpp"
#include "support/process.hpp"

using namespace ccai;

namespace {

struct Files {
    std::string dir = test::temp_dir();

    void write(const std::string& name, const std::string& text, mode_t mode = 0600) {
        std::ofstream(dir + "/" + name) << text;
        ::chmod((dir + "/" + name).c_str(), mode);
    }
    Result<Config> load(std::map<std::string, std::string> flags = {}) {
        ConfigSources s;
        s.flags = std::move(flags);
        s.config_dir = dir;
        s.getenv = [](const char*) -> std::optional<std::string> { return std::nullopt; };
        return Config::load(s);
    }
    std::string error(std::map<std::string, std::string> flags = {}) {
        auto c = load(std::move(flags));
        REQUIRE_FALSE(c.ok());
        CHECK(c.error().kind == ErrorKind::config);
        return c.error().message;
    }
};

}  // namespace

TEST_CASE("config files: an unknown key is an error naming file, line and profile, with a suggestion") {
    Files f;
    f.write("config.toml", "[default]\nhost = \"https://h\"\ntimout = 5\n");
    CHECK(f.error() == f.dir + "/config.toml:3: unknown key 'timout' in [default]; did you mean timeout?");

    f.write("config.toml", "[default]\nConnect-Timeout = 5\n");
    CHECK(f.error().ends_with("unknown key 'Connect-Timeout' in [default]; did you mean connect_timeout?"));
    f.write("config.toml", "[default]\nrate_lmiit = \"1/1s\"\n");  // two letters swapped: one edit
    CHECK(f.error().ends_with("did you mean rate_limit?"));

    // Nothing close: the message lists the keys there are.
    f.write("config.toml", "[default]\nfavourite_colour = \"blue\"\n");
    const auto none = f.error();
    CHECK(none.find("unknown key 'favourite_colour' in [default]; the keys are: host,") != std::string::npos);
    CHECK(none.find("account_id") != std::string::npos);
    CHECK(none.find("did you mean") == std::string::npos);
}

TEST_CASE("config files: every profile's keys are checked, not only the selected one's; the first mistake is named") {
    Files f;
    f.write("config.toml", "[default]\nhost = \"https://h\"\n\n[prod]\nhost = \"https://p\"\nbot_idd = \"st-1\"\n\n[a]\nzzz = 1\n");
    CHECK(f.error() == f.dir + "/config.toml:6: unknown key 'bot_idd' in [prod]; did you mean bot_id?");
    f.write("config.toml", "[default]\nhost = \"https://h\"\n[eu]\n[eu.nested]\nhost = \"x\"\n");
    CHECK(f.error().find("unknown key 'nested' in [eu]") != std::string::npos);
}

TEST_CASE("config files: a key outside any profile table is an error, not silently unused") {
    Files f;
    f.write("config.toml", "host = \"https://h\"\n[default]\nbot_id = \"st-1\"\n");
    CHECK(f.error() == f.dir + "/config.toml:1: 'host' is outside any [profile] table: put it under one, e.g. [default]");
}

TEST_CASE("config files: credentials keys are checked the same way") {
    Files f;
    f.write("credentials", "[default]\nclient_secrte = \"s\"\n", 0600);
    const auto e = f.error();
    CHECK(e == f.dir + "/credentials:2: unknown key 'client_secrte' in [default]; did you mean client_secret?");
    f.write("credentials", "[default]\nclient_id = \"cs-1\"\nclient_secret = \"s\"\ntoken = \"t\"\n", 0600);
    CHECK(f.load().ok());
}

TEST_CASE("config files: a directory or a FIFO at the path is a config error, not a hang") {
    Files f;
    REQUIRE(::mkdir((f.dir + "/config.toml").c_str(), 0700) == 0);
    CHECK(f.error() == f.dir + "/config.toml is a directory: it must be a regular file");
    Files g;
    REQUIRE(::mkfifo((g.dir + "/credentials").c_str(), 0600) == 0);
    CHECK(g.error() == g.dir + "/credentials is a FIFO: it must be a regular file");
}

TEST_CASE("config files: credentials owned by another user are refused (root only: chown)") {
    if (::geteuid() != 0) {
        MESSAGE("skipped: making a file another user's needs root");
        return;
    }
    Files f;
    f.write("credentials", "[default]\nclient_secret = \"theirs\"\n", 0600);
    REQUIRE(::chown((f.dir + "/credentials").c_str(), 65534, 65534) == 0);
    const auto e = f.error();
    CHECK(e == f.dir + "/credentials is owned by uid 65534, not by you (uid 0): it must be yours, mode 600");
    CHECK(e.find("theirs") == std::string::npos);
    // config.toml holds no secret: whose it is does not matter (it may be managed for the user).
    Files g;
    g.write("config.toml", "[default]\nhost = \"https://h\"\n", 0644);
    REQUIRE(::chown((g.dir + "/config.toml").c_str(), 65534, 65534) == 0);
    CHECK(g.load().ok());
}

TEST_CASE("config files: a config file over 1 MiB is refused") {
    Files f;
    f.write("config.toml", "[default]\n#" + std::string(std::size_t{1} << 20, 'x') + "\n");
    CHECK(f.error() == f.dir + "/config.toml: larger than 1 MiB, the most it may hold");
}
