// Hardening: every class of malformed input is a clear JSON error on stderr with exit 2 (3 for
// configuration), nothing on stdout, and the mock's request log proves nothing was sent.
#include <doctest/doctest.h>
#include <sys/stat.h>

#include <fstream>

#include "support/cli_support.hpp"

using namespace ccai;
using ccai::mock::testing::MockProcess;

namespace {
void expect_rejected(const test::RunResult& r, int code, const std::string& mentions) {
    INFO("stderr: " << r.err);
    INFO("stdout: " << r.out);
    CHECK(r.exit_code == code);
    const auto e = test::error_of(r);
    REQUIRE(e.is_object());
    CHECK(e["kind"] == (code == 3 ? "config" : "invalid_input"));
    CHECK(e["exit_code"] == code);
    const auto message = e["message"].get<std::string>();
    CHECK_FALSE(message.empty());
    CHECK(message.find(mentions) != std::string::npos);
    CHECK(r.out.empty());
}
}  // namespace

TEST_CASE("hardening input: malformed flag values are exit 2 and send nothing") {
    MockProcess mock({"--rate-limit", "none"});
    const auto dir = test::temp_dir();
    auto env = test::cli_env(mock, dir);

    struct Case {
        std::vector<std::string> args;
        std::string mentions;
    };
    const std::vector<Case> cases{
        {{"agents", "list", "--page", "two"}, "page"},
        {{"agents", "list", "--page", "1.5"}, "page"},
        {{"agents", "list", "--page", ""}, "page"},
        {{"conversations", "list", "--status", "SLEEPING"}, "SLEEPING"},
        {{"skills", "create", "--skill-group-id", "sg", "--set", "name=x", "--set", "skillGroupId=sg", "--set",
          "agents=godlike"}, "agents"},
        {{"queues", "list", "--no-such-flag"}, "no-such-flag"},
        {{"queues", "frobnicate"}, "frobnicate"},
        {{"queues", "list", "--rate-limit", "lots"}, "lots"},
        {{"queues", "list", "--rate-limit", "0/1m"}, "0/1m"},
        {{"queues", "list", "--rate-limit", "60/1m,"}, "60/1m,"},
        {{"queues", "list", "--pacer-margin", "lots"}, "pacer_margin 'lots'"},
        {{"queues", "list", "--pacer-margin", "200%"}, "pacer_margin '200%'"},
        {{"queues", "list", "--compression", "zip"}, "compression 'zip'"},
        {{"queues", "list", "-o", "xml"}, "xml"},
        {{"skill-groups", "create", "--set", "noequals"}, "noequals"},
        {{"skill-groups", "create", "--set", "=value"}, "=value"},
        {{"skill-groups", "create", "--body", "{\"name\": \n oops}"}, "line 2"},
        {{"skill-groups", "create", "--body", "{\"name\": \"x\""}, "--body"},
        {{"skill-groups", "create", "--body", "@" + dir + "/missing.json"}, "missing.json"},
        {{"skill-groups", "create", "--body", "@" + dir}, dir},
        {{"contacts", "import", "--file", dir + "/missing.csv"}, "missing.csv"},
        {{"contacts", "import", "--file", dir}, dir},
        {{"batch", "--input", dir + "/missing.jsonl"}, "missing.jsonl"},
    };
    for (const auto& c : cases) {
        CAPTURE(c.args);
        expect_rejected(test::cli(c.args, env), 2, c.mentions);
    }
    CHECK(mock.log().empty());
}

TEST_CASE("hardening input: bad configuration is exit 3 and sends nothing") {
    MockProcess mock({"--rate-limit", "none"});
    const auto dir = test::temp_dir();
    auto env = test::cli_env(mock, dir);
    ::mkdir((dir + "/ccai").c_str(), 0700);

    std::ofstream(dir + "/ccai/config.toml") << "[default\nhost = \n";
    expect_rejected(test::cli({"queues", "list"}, env), 3, "config.toml");

    std::ofstream(dir + "/ccai/config.toml", std::ios::trunc) << "[default]\ntimeout = [1, 2]\n";
    expect_rejected(test::cli({"queues", "list"}, env), 3, "timeout");

    std::ofstream(dir + "/ccai/config.toml", std::ios::trunc) << "[default]\nclient_secret = \"oops\"\n";
    expect_rejected(test::cli({"queues", "list"}, env), 3, "client_secret");

    std::ofstream(dir + "/ccai/config.toml", std::ios::trunc) << "[default]\nrate_limit = \"60/1m\"\n";
    std::ofstream(dir + "/ccai/credentials") << "[default]\nclient_secret = \"mock-secret\"\n";
    ::chmod((dir + "/ccai/credentials").c_str(), 0644);
    expect_rejected(test::cli({"queues", "list"}, env), 3, "chmod 600");
    ::chmod((dir + "/ccai/credentials").c_str(), 0600);

    expect_rejected(test::cli({"queues", "list", "--profile", "nope"}, env), 3, "nope");
    auto by_env = env;
    by_env["CCAI_PROFILE"] = "nope";
    expect_rejected(test::cli({"queues", "list"}, by_env), 3, "nope");

    CHECK(mock.log().empty());
}
