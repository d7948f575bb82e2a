// `config init`, `config set`, `config get`, `config unset` as a user runs them: the real ccai-cli, a real
// ccai-mock, secrets from stdin, the environment or a terminal (a pseudo-terminal), never from argv.
#include <doctest/doctest.h>
#include <signal.h>
#include <sys/stat.h>

#include <fstream>
#include <set>
#include <sstream>

#include "support/cli_support.hpp"
#include "support/pseudo_terminal.hpp"
#include "support/test_files.hpp"

using namespace ccai;
using ccai::test::mode_of;
using ccai::test::slurp;
using ccai::mock::testing::MockProcess;

namespace {

// The environment of a user with nothing configured but XDG_CONFIG_HOME: every CCAI_ variable unset.
std::map<std::string, std::string> bare_env(const std::string& home) {
    auto env = test::cli_env("http://127.0.0.1:1", home);
    for (auto& [k, v] : env)
        if (k.starts_with("CCAI_")) v = "";
    return env;
}

}  // namespace

TEST_CASE("config commands: init without a terminal writes both files privately, and calls then work") {
    MockProcess mock({"--rate-limit", "none"});
    const auto home = test::temp_dir();
    auto env = bare_env(home);
    const auto dir = home + "/ccai";

    // What is missing is said all at once.
    auto missing = test::cli({"config", "init", "--host", mock.base()}, env);
    CHECK(missing.exit_code == 2);
    CHECK(missing.out.empty());
    CHECK(test::error_of(missing)["message"] ==
          "config init: missing --account-id, --bot-id, --client-id, the client secret (CCAI_CLIENT_SECRET, or "
          "--client-secret-stdin) (stdin is not a terminal, so nothing is asked)");

    auto with_secret = env;
    with_secret["CCAI_CLIENT_SECRET"] = "mock-secret";
    const std::vector<std::string> init = {"config", "init", "--host", mock.base(), "--account-id", mock::testing::kAccount,
                                           "--bot-id", mock::testing::kBot, "--org-id", mock::testing::kOrg, "--client-id",
                                           "cs-mock"};
    auto r = test::cli(init, with_secret);
    CHECK(r.exit_code == 0);
    CHECK(r.out.empty());
    CHECK(r.err == "profile [default] written to " + dir + "/config.toml and " + dir + "/credentials\n");
    CHECK(slurp(dir + "/config.toml") == "[default]\nhost = \"" + mock.base() + "\"\naccount_id = \"" +
                                             mock::testing::kAccount + "\"\nbot_id = \"" + mock::testing::kBot +
                                             "\"\norg_id = \"" + mock::testing::kOrg + "\"\nclient_id = \"cs-mock\"\n");
    CHECK(slurp(dir + "/credentials") == "[default]\nclient_secret = \"mock-secret\"\n");
    CHECK(mode_of(dir + "/config.toml") == 0600);
    CHECK(mode_of(dir + "/credentials") == 0600);
    CHECK(mode_of(dir) == 0700);

    // The profile alone is enough to call the service.
    auto call = test::cli({"skill-groups", "list"}, env);
    CHECK(call.exit_code == 0);
    CHECK(call.err.empty());

    // Once there, the profile is not overwritten without --force.
    auto again = test::cli(init, with_secret);
    CHECK(again.exit_code == 2);
    CHECK(test::error_of(again)["message"] ==
          "profile [default] already exists in " + dir +
              "/config.toml: --force changes the settings given and keeps the others; `ccai-cli config set KEY VALUE` "
              "changes one");
    // --force changes what is given (the secret from stdin here) and keeps the rest.
    auto forced = test::cli({"config", "init", "--force", "--client-secret-stdin", "--bot-id", "st-other"}, env, "new-secret\n");
    CHECK(forced.exit_code == 0);
    CHECK(forced.err == "profile [default] written to " + dir + "/config.toml and " + dir + "/credentials\n");
    CHECK(slurp(dir + "/credentials") == "[default]\nclient_secret = \"new-secret\"\n");
    CHECK(slurp(dir + "/config.toml").find("bot_id = \"st-other\"\norg_id") != std::string::npos);
    CHECK(slurp(dir + "/config.toml").find("client_id = \"cs-mock\"") != std::string::npos);
}

TEST_CASE("config commands: a secret comes from stdin, never from argv, and is masked when read back") {
    const auto home = test::temp_dir();
    auto env = bare_env(home);
    const auto creds = home + "/ccai/credentials";

    auto argv_secret = test::cli({"config", "set", "client_secret", "hunter2"}, env);
    CHECK(argv_secret.exit_code == 2);
    CHECK(argv_secret.out.empty());
    CHECK(test::error_of(argv_secret)["message"] ==
          "client_secret is a secret and is not taken from the command line, where other users can read it (ps, shell "
          "history): run `ccai-cli config set client_secret` and type it, or pipe it in: echo \"$SECRET\" | "
          "ccai-cli config set client_secret");
    CHECK_FALSE(std::filesystem::exists(creds));

    auto set = test::cli({"config", "set", "client_secret"}, env, "hunter2-long-secret\n");
    CHECK(set.exit_code == 0);
    CHECK(set.out.empty());
    CHECK(set.err.empty());
    CHECK(slurp(creds) == "[default]\nclient_secret = \"hunter2-long-secret\"\n");
    CHECK(mode_of(creds) == 0600);

    auto get = test::cli({"config", "get", "client-secret"}, env);
    CHECK(get.exit_code == 0);
    CHECK(get.out == "hu****\n");
    CHECK(get.err.empty());

    auto empty = test::cli({"config", "set", "client_secret"}, env, "\n");
    CHECK(empty.exit_code == 2);
    CHECK(test::error_of(empty)["message"] ==
          "client_secret: stdin is empty; pipe the value in, e.g. echo \"$SECRET\" | ccai-cli config set client_secret");
    CHECK(slurp(creds) == "[default]\nclient_secret = \"hunter2-long-secret\"\n");

    // A credentials file others can read is refused, and left as it is.
    ::chmod(creds.c_str(), 0644);
    auto open_file = test::cli({"config", "set", "client_secret"}, env, "other\n");
    CHECK(open_file.exit_code == 3);
    CHECK(test::error_of(open_file)["message"] ==
          creds + " is readable by group or others (mode 644); run: chmod 600 " + creds);
    CHECK(slurp(creds) == "[default]\nclient_secret = \"hunter2-long-secret\"\n");
}

TEST_CASE("config commands: init at a terminal asks for each setting, and the secret is not echoed") {
    const auto home = test::temp_dir();
    auto env = bare_env(home);
    env["TERM"] = "dumb";
    test::PtySession s({test::cli_path(), "config", "init", "--profile", "eu"}, env);
    REQUIRE(s.expect("API host [https://platform.kore.ai]: "));
    s.type("\n");  // the default
    REQUIRE(s.expect("Account id: "));
    s.type("acc-9\n");
    REQUIRE(s.expect("Bot (app) id: "));
    s.type("\n");  // required: asked again
    REQUIRE(s.expect("Bot (app) id is needed to call the API\r\n"));
    REQUIRE(s.expect("Bot (app) id: "));
    s.type("st-9\n");
    REQUIRE(s.expect("Organization id: "));
    s.type("\n");  // optional: left out
    REQUIRE(s.expect("Client id: "));
    s.type("cs-9\n");
    REQUIRE(s.expect("Client secret: "));
    s.type("typed-secret-value\n");
    REQUIRE(s.expect("profile [eu] written to "));
    CHECK(s.wait() == 0);
    CHECK(s.shown().find("typed-secret-value") == std::string::npos);  // never echoed
    CHECK(s.shown().find("acc-9") != std::string::npos);              // the others are
    const auto dir = home + "/ccai";
    CHECK(slurp(dir + "/config.toml") ==
          "[eu]\nhost = \"https://platform.kore.ai\"\naccount_id = \"acc-9\"\nbot_id = \"st-9\"\nclient_id = \"cs-9\"\n");
    CHECK(slurp(dir + "/credentials") == "[eu]\nclient_secret = \"typed-secret-value\"\n");
}

TEST_CASE("config commands: Ctrl-C at the secret's question ends the program and gives the terminal its echo back") {
    const auto home = test::temp_dir();
    test::PtySession s({test::cli_path(), "config", "set", "client_secret"}, bare_env(home));
    REQUIRE(s.expect("client_secret for [default]: "));
    CHECK_FALSE(s.echoes());
    s.type("half-typ\x03");  // Ctrl-C
    CHECK(s.wait() == 128 + SIGINT);
    CHECK(s.echoes());
    CHECK_FALSE(std::filesystem::exists(home + "/ccai/credentials"));
}

TEST_CASE("config commands: config set at a terminal reads a secret without echo") {
    const auto home = test::temp_dir();
    auto env = bare_env(home);
    test::PtySession s({test::cli_path(), "config", "set", "client_secret"}, env);
    REQUIRE(s.expect("client_secret for [default]: "));
    s.type("quiet-secret-123\n");
    CHECK(s.wait() == 0);
    CHECK(s.shown().find("quiet-secret-123") == std::string::npos);
    CHECK(slurp(home + "/ccai/credentials") == "[default]\nclient_secret = \"quiet-secret-123\"\n");
}

TEST_CASE("config commands: parallel config set runs on one file all succeed and all are kept") {
    const auto home = test::temp_dir();
    auto env = bare_env(home);
    // Each round: 12 processes at once, each adding its own profile ($1 names the round); each prints "pN EXIT".
    const std::string script =
        "for i in 1 2 3 4 5 6 7 8 9 10 11 12; do (\"$0\" --profile \"$1p$i\" config set bot_id \"b$i\" >/dev/null 2>&1; "
        "echo \"p$i $?\") & done; wait";
    for (int round = 0; round < 3; ++round) {
        const auto profile = [&](int i) { return "r" + std::to_string(round) + "p" + std::to_string(i); };
        auto r = test::run({"sh", "-c", script, test::cli_path(), "r" + std::to_string(round)}, env);
        REQUIRE(r.exit_code == 0);
        std::set<std::string> lines;
        std::istringstream in(r.out);
        for (std::string line; std::getline(in, line);) lines.insert(line);
        std::set<std::string> expected;
        for (int i = 1; i <= 12; ++i) expected.insert("p" + std::to_string(i) + " 0");
        CHECK(lines == expected);
        const auto text = slurp(home + "/ccai/config.toml");
        for (int i = 1; i <= 12; ++i)
            CHECK_MESSAGE(text.find("[" + profile(i) + "]\nbot_id = \"b" + std::to_string(i) + "\"\n") != std::string::npos,
                          profile(i));
    }
    CHECK(mode_of(home + "/ccai/config.toml.lock") == 0600);
}

TEST_CASE("config commands: a secret that is not UTF-8 is a usage error, and nothing is written") {
    const auto home = test::temp_dir();
    auto r = test::cli({"config", "set", "client_secret"}, bare_env(home), "\xC3\xA9\xFF\n");
    CHECK(r.exit_code == 2);
    CHECK(r.out.empty());
    CHECK(test::error_of(r)["message"] == "client_secret: the value is not valid UTF-8");
    CHECK_FALSE(std::filesystem::exists(home + "/ccai/credentials"));
}

TEST_CASE("config commands: init --client-secret-stdin at a terminal reads the secret without echo") {
    const auto home = test::temp_dir();
    auto env = bare_env(home);
    env["TERM"] = "dumb";
    test::PtySession s({test::cli_path(), "config", "init", "--client-secret-stdin", "--account-id", "acc-1", "--bot-id",
                        "st-1", "--client-id", "cs-1"},
                       env);
    REQUIRE(s.expect("Client secret: "));
    CHECK_FALSE(s.echoes());
    s.type("pty-secret-value\n");
    REQUIRE(s.expect("profile [default] written to "));
    CHECK(s.wait() == 0);
    CHECK(s.shown().find("pty-secret-value") == std::string::npos);
    CHECK(slurp(home + "/ccai/credentials") == "[default]\nclient_secret = \"pty-secret-value\"\n");
}

TEST_CASE("config commands: init at a terminal says when the secret comes from CCAI_CLIENT_SECRET") {
    const auto home = test::temp_dir();
    auto env = bare_env(home);
    env["TERM"] = "dumb";
    env["CCAI_CLIENT_SECRET"] = "env-secret-value";
    test::PtySession s({test::cli_path(), "config", "init", "--host", "https://h.example", "--account-id", "acc-1",
                        "--bot-id", "st-1", "--org-id", "o-1", "--client-id", "cs-1"},
                       env);
    REQUIRE(s.expect("client secret: from CCAI_CLIENT_SECRET\r\n"));
    REQUIRE(s.expect("profile [default] written to "));
    CHECK(s.wait() == 0);
    CHECK(s.shown().find("env-secret-value") == std::string::npos);
    CHECK(slurp(home + "/ccai/credentials") == "[default]\nclient_secret = \"env-secret-value\"\n");
}
