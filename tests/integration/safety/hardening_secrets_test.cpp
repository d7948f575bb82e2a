// Hardening: the client secret and the token (or anything JWT-shaped) never reach stdout, stderr,
// --verbose, --dry-run, error messages, `config list`, or batch results and journals. --insecure always warns.
#include <doctest/doctest.h>
#include <sys/stat.h>

#include <fstream>
#include <sstream>

#include "support/cli_support.hpp"
#include "support/test_files.hpp"

using namespace ccai;
using ccai::test::slurp;
using ccai::mock::testing::MockProcess;

namespace {
constexpr const char* kSecret = "Zq7-hardening-SECRET-9xW";

void expect_clean(const std::string& what, const std::string& text, const std::string& token) {
    INFO(what << ": " << text);
    CHECK(text.find(kSecret) == std::string::npos);
    CHECK(text.find(token) == std::string::npos);
    CHECK(text.find(token.substr(token.rfind('.') + 1)) == std::string::npos);  // not even the signature
    CHECK(text.find("eyJ") == std::string::npos);
}

void expect_clean(const std::string& what, const test::RunResult& r, const std::string& token) {
    expect_clean(what + " (stdout)", r.out, token);
    expect_clean(what + " (stderr)", r.err, token);
}
}  // namespace

TEST_CASE("hardening secrets: neither the secret nor the token is ever printed") {
    MockProcess mock({"--rate-limit", "none", "--client-secret", kSecret});
    const auto dir = test::temp_dir();
    auto env = test::cli_env(mock, dir);
    env["CCAI_CLIENT_SECRET"] = kSecret;
    const auto token = ccai::mock::testing::token("cs-mock", kSecret);
    REQUIRE(token.starts_with("eyJ"));
    auto with_token = env;
    with_token["CCAI_TOKEN"] = token;

    for (const auto* e : {&env, &with_token}) {
        const std::string label = e == &env ? "secret" : "token";
        auto ok = test::cli({"skill-groups", "create", "--set", "name=s-" + label}, *e);
        CHECK(ok.exit_code == 0);
        expect_clean(label + " create", ok, token);
        auto verbose = test::cli({"skill-groups", "list", "--verbose"}, *e);
        CHECK(verbose.exit_code == 0);
        CHECK(verbose.err.find("auth: ***") != std::string::npos);
        expect_clean(label + " --verbose", verbose, token);
        auto dry = test::cli({"skill-groups", "create", "--set", "name=x", "--dry-run", "-v"}, *e);
        CHECK(dry.exit_code == 0);
        expect_clean(label + " --dry-run", dry, token);
        auto api = test::cli({"api", "GET", "/agentassist/api/v1/public/{botId}/skill-groups", "-v"}, *e);
        CHECK(api.exit_code == 0);
        expect_clean(label + " api -v", api, token);
        for (const auto* fmt : {"json", "table", "text", "csv", "yaml"}) {
            auto list = test::cli({"config", "list", "--show-origin", "-o", fmt}, *e);
            CHECK(list.exit_code == 0);
            expect_clean(label + " config list -o " + fmt, list, token);
        }
        // A jq program sees the redacted values, and its outputs are redacted too (`env` reads the secrets).
        auto jq = test::cli({"config", "list", "--jq", ".[].value, env.CCAI_CLIENT_SECRET, env.CCAI_TOKEN"}, *e);
        CHECK(jq.exit_code == 0);
        expect_clean(label + " config list --jq", jq, token);
    }

    // 401: a secret or token the service does not accept.
    auto wrong_secret = env;
    wrong_secret["CCAI_CLIENT_SECRET"] = std::string(kSecret) + "-old";
    auto r4 = test::cli({"queues", "list", "-v"}, wrong_secret);
    CHECK(r4.exit_code == 4);
    expect_clean("401 (secret)", r4, token);
    auto forged = env;
    forged["CCAI_TOKEN"] = ccai::mock::testing::token("cs-mock", "some-other-secret");
    auto r4t = test::cli({"queues", "list", "-v"}, forged);
    CHECK(r4t.exit_code == 4);
    expect_clean("401 (token)", r4t, forged["CCAI_TOKEN"]);
    expect_clean("401 (token)", r4t, token);

    // 3: configuration problems that involve the secret.
    ::mkdir((dir + "/ccai").c_str(), 0700);
    std::ofstream(dir + "/ccai/config.toml") << "[default]\nclient_secret = \"" << kSecret << "\"\n";
    auto no_env = env;
    no_env["CCAI_CLIENT_SECRET"] = "";
    auto r3 = test::cli({"queues", "list", "-v"}, no_env);
    CHECK(r3.exit_code == 3);
    expect_clean("3 (secret in config.toml)", r3, token);
    std::ofstream(dir + "/ccai/config.toml", std::ios::trunc) << "[default]\n";
    std::ofstream(dir + "/ccai/credentials") << "[default]\nclient_secret = \"" << kSecret << "\"\ntoken = \""
                                             << token << "\"\n";
    ::chmod((dir + "/ccai/credentials").c_str(), 0644);
    auto r3c = test::cli({"queues", "list", "-v"}, no_env);
    CHECK(r3c.exit_code == 3);
    expect_clean("3 (credentials 0644)", r3c, token);
    ::chmod((dir + "/ccai/credentials").c_str(), 0600);
    auto from_file = test::cli({"config", "list", "--show-origin"}, no_env);
    CHECK(from_file.exit_code == 0);
    expect_clean("config list (credentials file)", from_file, token);
    ::unlink((dir + "/ccai/credentials").c_str());

    // Network errors.
    for (const auto* e : {&env, &with_token}) {
        auto down = *e;
        down["CCAI_HOST"] = "http://127.0.0.1:" + std::to_string(test::free_port());
        auto r9 = test::cli({"queues", "list", "-v"}, down);
        CHECK(r9.exit_code == 9);
        expect_clean("network error", r9, token);
    }

    // Batch: results and journal files (ok lines, failed lines, invalid lines).
    const auto input = dir + "/in.jsonl";
    std::ofstream(input) << R"({"op":"skill-groups.create","body":{"name":"b1"},"id":"k1"})" "\n"
                         << R"({"op":"queues.get","params":{"queueId":"qu-none"},"id":"k2"})" "\n";
    for (const auto* e : {&env, &with_token}) {
        const auto results = dir + (e == &env ? "/r-secret.jsonl" : "/r-token.jsonl");
        auto batch = test::cli({"batch", "--input", input, "--results", results, "-v"}, *e);
        CHECK(batch.exit_code == 10);
        expect_clean("batch", batch, token);
        const auto records = slurp(results);
        CHECK(records.find("\"k1\"") != std::string::npos);
        expect_clean("batch results", records, token);
        expect_clean("batch journal", slurp(results + ".journal"), token);
    }
    auto batch_401 = test::cli({"batch", "--input", input, "--results", dir + "/r-401.jsonl"}, forged);
    CHECK(batch_401.exit_code == 4);  // the first authentication failure stops the batch
    CHECK(batch_401.err.find("stopped at the first authentication failure") != std::string::npos);
    expect_clean("batch 401", batch_401, forged["CCAI_TOKEN"]);
    expect_clean("batch 401 results", slurp(dir + "/r-401.jsonl"), forged["CCAI_TOKEN"]);
    expect_clean("batch 401 journal", slurp(dir + "/r-401.jsonl.journal"), forged["CCAI_TOKEN"]);
}

TEST_CASE("hardening secrets: --insecure warns on every invocation") {
    MockProcess mock({"--rate-limit", "none"});
    auto env = test::cli_env(mock);
    for (const auto& extra : std::vector<std::vector<std::string>>{{}, {"-q"}, {"--dry-run"}, {}}) {
        std::vector<std::string> args{"queues", "list", "--insecure"};
        args.insert(args.end(), extra.begin(), extra.end());
        auto r = test::cli(args, env);
        CAPTURE(args);
        CHECK(r.exit_code == 0);
        CHECK(r.err.find("--insecure") != std::string::npos);
    }
    auto before = test::cli({"--insecure", "queues", "list"}, env);  // global flag before the subcommand
    CHECK(before.err.find("--insecure") != std::string::npos);
}
