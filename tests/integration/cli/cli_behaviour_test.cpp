// What scripts rely on: exit codes, errors as JSON on stderr, output formats, dry-run and redaction.
#include <doctest/doctest.h>
#include <sys/stat.h>

#include <fstream>

#include "support/cli_support.hpp"

using namespace ccai;
using ccai::mock::testing::MockProcess;

TEST_CASE("cli: exit codes 2, 3, 4, 5, 7, 8, 9 and nothing sent on bad input") {
    MockProcess mock({"--rate-limit", "none"});
    auto env = test::cli_env(mock);

    auto usage = test::cli({"skills", "get", "--no-such-flag"}, env);
    CHECK(usage.exit_code == 2);
    CHECK(test::error_of(usage)["kind"] == "invalid_input");

    auto missing = test::cli({"skills", "get", "--skill-group-id", "sg"}, env);
    CHECK(missing.exit_code == 2);
    CHECK(test::error_of(missing)["message"].get<std::string>().find("--skill-id") != std::string::npos);
    auto bad_json = test::cli({"skill-groups", "create", "--body", "{\"name\": \n oops}"}, env);
    CHECK(bad_json.exit_code == 2);
    CHECK(test::error_of(bad_json)["message"].get<std::string>().find("line 2") != std::string::npos);
    CHECK(mock.log().empty());  // none of the above reached the service

    auto no_creds = env;
    no_creds["CCAI_CLIENT_SECRET"] = "";
    auto r3 = test::cli({"queues", "list"}, no_creds);
    CHECK(r3.exit_code == 3);
    CHECK(test::error_of(r3)["kind"] == "config");
    CHECK(mock.log().empty());

    auto wrong_secret = env;
    wrong_secret["CCAI_CLIENT_SECRET"] = "not-the-secret";
    auto r4 = test::cli({"queues", "list"}, wrong_secret);
    CHECK(r4.exit_code == 4);
    CHECK(r4.err.find("not-the-secret") == std::string::npos);

    auto r5 = test::cli({"queues", "get", "--queue-id", "qu-none"}, env);
    CHECK(r5.exit_code == 5);
    CHECK(test::error_of(r5)["status"] == 404);
    CHECK(r5.out.empty());

    auto unreachable = env;
    unreachable["CCAI_HOST"] = "http://127.0.0.1:" + std::to_string(test::free_port());
    auto r9 = test::cli({"queues", "list"}, unreachable);
    CHECK(r9.exit_code == 9);
    CHECK(test::error_of(r9)["kind"] == "network");
}

TEST_CASE("cli: rate limited after retries is exit 7 with a time to retry; server errors are exit 8") {
    MockProcess limited({"--rate-limit", "1/1h", "--retry-after"});
    auto env = test::cli_env(limited);
    CHECK(test::cli({"queues", "list"}, env).exit_code == 0);
    auto r7 = test::cli({"queues", "list"}, env);
    CHECK(r7.exit_code == 7);
    CHECK(test::error_of(r7)["kind"] == "rate_limited");
    CHECK(test::error_of(r7)["retry_after_seconds"].get<double>() > 0);

    MockProcess failing({"--rate-limit", "none", "--fail-rate", "1"});
    auto r8 = test::cli({"queues", "list"}, test::cli_env(failing));
    CHECK(r8.exit_code == 8);
    CHECK(test::error_of(r8)["status"] == 503);
}

TEST_CASE("cli: --version names ccai-cli, libcurl and the TLS library") {
    const auto v = test::cli({"--version"});
    CHECK(v.exit_code == 0);
    CHECK(v.out.rfind("ccai-cli 0.1.0 libcurl/", 0) == 0);
    CHECK(v.out.find(" OpenSSL/") != std::string::npos);
    CHECK(v.out.find(" zlib/") != std::string::npos);  // gzip answers
}

TEST_CASE("cli: output formats, --fields, and global flags after the subcommand") {
    MockProcess mock({"--rate-limit", "none"});
    auto env = test::cli_env(mock);
    for (const char* name : {"Alpha", "Beta"})
        REQUIRE(test::cli({"queues", "create", "--set", std::string("name=") + name, "--set", "hoursOfOperation.id=h-1"}, env).exit_code == 0);

    auto json = test::cli({"queues", "list"}, env);  // piped: compact, one line
    REQUIRE(json.exit_code == 0);
    CHECK(std::count(json.out.begin(), json.out.end(), '\n') == 1);
    CHECK(nlohmann::json::parse(json.out)["results"].size() == 2);

    auto jsonl = test::cli({"queues", "list", "-o", "jsonl", "--fields", "name"}, env);
    CHECK(jsonl.out == "{\"name\":\"Alpha\"}\n{\"name\":\"Beta\"}\n");

    auto table = test::cli({"queues", "list", "--output", "table", "--fields", "name"}, env);
    CHECK(table.out == "NAME\nAlpha\nBeta\n");

    auto env_no_host = env;
    env_no_host["CCAI_HOST"] = "";
    auto after = test::cli({"queues", "list", "--host", mock.base(), "-o", "jsonl", "--fields", "name"}, env_no_host);
    CHECK(after.exit_code == 0);
    CHECK(after.out == jsonl.out);
    auto before = test::cli({"--host", mock.base(), "-o", "jsonl", "--fields", "name", "queues", "list"}, env_no_host);
    CHECK(before.out == jsonl.out);
}

TEST_CASE("cli: output that cannot be written is exit 1 with an error, not a silent success") {
    MockProcess mock({"--rate-limit", "none"});
    auto env = test::cli_env(mock);
    // /dev/full: every write fails with ENOSPC, as on a full disk.
    auto full = test::run({"/bin/sh", "-c", std::string("exec \"") + ccai::test::cli_path() + "\" queues list >/dev/full"}, env);
    CHECK(full.exit_code == 1);
    CHECK(test::error_of(full)["message"] == "cannot write the output to stdout (No space left on device)");
    auto ok = test::run({"/bin/sh", "-c", std::string("exec \"") + ccai::test::cli_path() + "\" queues list >/dev/null"}, env);
    CHECK(ok.exit_code == 0);
    CHECK(ok.err.empty());
}

TEST_CASE("cli: a named action, a group without one, and a word that is both still parse as before") {
    // Only the commands named on the command line are registered (start-up time); these must not notice.
    MockProcess mock({"--rate-limit", "none"});
    auto env = test::cli_env(mock);
    REQUIRE(test::cli({"queues", "create", "--set", "name=list", "--set", "hoursOfOperation.id=h-1"}, env).exit_code == 0);  // "list" as a value
    auto listed = test::cli({"queues", "list", "-o", "jsonl", "--fields", "name"}, env);
    CHECK(listed.out == "{\"name\":\"list\"}\n");
    auto group = test::cli({"queues"}, env);
    CHECK(group.exit_code == 2);
    CHECK(test::error_of(group)["message"] ==
          "queues: missing action; one of: size, create, list, lookup, get, update, delete, update-priority");
    auto help = test::cli({"queues", "--help"}, env);
    CHECK(help.exit_code == 0);
    CHECK(help.out.find("delete") != std::string::npos);
    auto unknown = test::cli({"queues", "lis"}, env);
    CHECK(unknown.exit_code == 2);
    CHECK(test::error_of(unknown)["message"] == "unknown action 'lis' for queues; did you mean 'list'?");
    // Only "pacer" is named (as a value): the first parse sees no other command; errors and help must.
    auto root_error = test::cli({"--fields", "pacer", "frobnicate"}, env);
    CHECK(root_error.exit_code == 2);
    const auto message = test::error_of(root_error)["message"].get<std::string>();
    for (const char* command : {"'frobnicate'", "skill-groups", "config", "completion", "pacer"})
        CHECK_MESSAGE(message.find(command) != std::string::npos, command);
    auto root_help = test::cli({"--fields", "pacer", "--help"}, env);
    CHECK(root_help.exit_code == 0);
    CHECK(root_help.out.find("skill-groups") != std::string::npos);
    CHECK(root_help.out.find("completion") != std::string::npos);
}

TEST_CASE("cli: --dry-run and --verbose never show the auth header, the secret or a JWT") {
    MockProcess mock({"--rate-limit", "none"});
    auto env = test::cli_env(mock);
    env["CCAI_CLIENT_SECRET"] = "super-secret-value";
    MockProcess real_secret({"--rate-limit", "none", "--client-secret", "super-secret-value"});
    auto env2 = test::cli_env(real_secret);
    env2["CCAI_CLIENT_SECRET"] = "super-secret-value";

    auto dry = test::cli({"skill-groups", "create", "--set", "name=x", "--dry-run"}, env2);
    REQUIRE(dry.exit_code == 0);
    const auto req = nlohmann::json::parse(dry.out);
    CHECK(req["method"] == "POST");
    CHECK(req["headers"]["auth"] == "***");
    CHECK(req["body"] == nlohmann::json{{"name", "x"}});
    CHECK(real_secret.log().empty());

    auto verbose = test::cli({"skill-groups", "list", "-v"}, env2);
    REQUIRE(verbose.exit_code == 0);
    CHECK(verbose.err.find("> GET ") != std::string::npos);
    CHECK(verbose.err.find("auth: ***") != std::string::npos);
    for (const auto& text : {verbose.out, verbose.err, dry.out, dry.err}) {
        CHECK(text.find("super-secret-value") == std::string::npos);
        CHECK(text.find("eyJ") == std::string::npos);
    }
}

TEST_CASE("cli: --body from a file and from stdin; config list masks secrets and shows origins") {
    MockProcess mock({"--rate-limit", "none"});
    const auto dir = test::temp_dir();
    auto env = test::cli_env(mock, dir);
    std::ofstream(dir + "/body.json") << R"({"name": "From file"})";
    auto from_file = test::cli({"skill-groups", "create", "--body", "@" + dir + "/body.json"}, env);
    CHECK(nlohmann::json::parse(from_file.out)["name"] == "From file");
    auto from_stdin = test::cli({"skill-groups", "create", "--body", "@-"}, env, R"({"name": "From stdin"})");
    CHECK(nlohmann::json::parse(from_stdin.out)["name"] == "From stdin");

    ::mkdir((dir + "/ccai").c_str(), 0700);
    std::ofstream(dir + "/ccai/config.toml") << "[default]\nrate_limit = \"30/1m\"\n";
    env["CCAI_RATE_LIMIT"] = "";
    auto list = test::cli({"config", "list", "--show-origin", "-o", "json"}, env);
    REQUIRE(list.exit_code == 0);
    std::map<std::string, nlohmann::json> rows;
    for (const auto& row : nlohmann::json::parse(list.out)) rows[row["key"]] = row;
    CHECK(rows["client_secret"]["value"] == "mo****");
    CHECK(rows["client_secret"]["origin"] == "env CCAI_CLIENT_SECRET");
    CHECK(rows["rate_limit"]["value"] == "30/1m");
    CHECK(rows["rate_limit"]["origin"].get<std::string>().starts_with("profile [default]"));
    CHECK(list.out.find("mock-secret") == std::string::npos);
}
