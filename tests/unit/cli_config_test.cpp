// `config set`, `config get` and `config unset` in-process: exact output, exit codes, and the file after.
#include <doctest/doctest.h>
#include <sys/stat.h>

#include <fstream>
#include <sstream>

#include "support/in_process_cli.hpp"
#include "support/test_files.hpp"

using namespace ccai;
using ccai::test::slurp;
using test::Cli;

namespace {

// The JSON error line ccai-cli prints for a failure of `kind` with `message` and `exit_code`.
std::string error_line(const std::string& kind, const std::string& message, int exit_code) {
    return nlohmann::json{{"error", {{"kind", kind}, {"message", message}, {"exit_code", exit_code}}}}.dump() + "\n";
}

}  // namespace

TEST_CASE("cli config: set writes the key's own line, get reads it back, unset removes it") {
    Cli cli;
    ::chmod((cli.dir / "config").c_str(), 0700);
    cli.env.erase("CCAI_HOST");
    const auto file = cli.dir / "config" / "config.toml";
    std::ofstream(file) << "# work tenant\n[default]\nhost = \"https://old\"  # EU\n\n# later\n[prod]\nhost = \"https://p\"\n";

    auto set = cli({"config", "set", "host", "https://new.example"});
    CHECK(set.code == 0);
    CHECK(set.out.empty());
    CHECK(set.err.empty());
    CHECK(slurp(file) == "# work tenant\n[default]\nhost = \"https://new.example\"  # EU\n\n# later\n[prod]\nhost = \"https://p\"\n");
    auto get = cli({"config", "get", "host"});
    CHECK(get.code == 0);
    CHECK(get.out == "https://new.example\n");
    CHECK(get.err.empty());

    // --profile selects the table; a new key goes after its last one.
    CHECK(cli({"config", "set", "jwt-ttl", "7200", "--profile", "prod"}).code == 0);
    CHECK(slurp(file) ==
          "# work tenant\n[default]\nhost = \"https://new.example\"  # EU\n\n# later\n[prod]\nhost = \"https://p\"\njwt_ttl = 7200\n");
    CHECK(cli({"--profile", "prod", "config", "get", "jwt_ttl"}).out == "7200\n");

    auto unset = cli({"config", "unset", "jwt_ttl", "--profile", "prod"});
    CHECK(unset.code == 0);
    CHECK(unset.out.empty());
    CHECK(unset.err.empty());
    CHECK(slurp(file) == "# work tenant\n[default]\nhost = \"https://new.example\"  # EU\n\n# later\n[prod]\nhost = \"https://p\"\n");
    auto again = cli({"config", "unset", "jwt_ttl", "--profile", "prod"});
    CHECK(again.code == 0);
    CHECK(again.err == "jwt_ttl was not set in [prod] of " + file.string() + "\n");
}

TEST_CASE("cli config: mistakes in keys and values are usage errors, and the file is not touched") {
    Cli cli;
    ::chmod((cli.dir / "config").c_str(), 0700);
    const auto file = cli.dir / "config" / "config.toml";
    std::ofstream(file) << "[default]\nhost = \"https://h\"\n";
    const auto refused = [&](std::vector<std::string> words, const std::string& message) {
        const auto r = cli(std::move(words));
        CHECK(r.code == 2);
        CHECK(r.out.empty());
        CHECK(r.err == error_line("invalid_input", message, 2));
        CHECK(slurp(file) == "[default]\nhost = \"https://h\"\n");
    };
    refused({"config", "set", "hots", "https://x"}, "unknown setting 'hots'; did you mean host?");
    refused({"config", "get", "bot-idd"}, "unknown setting 'bot-idd'; did you mean bot_id?");
    refused({"config", "unset", "hots"}, "unknown setting 'hots'; did you mean host?");
    refused({"config", "set", "jwt_ttl", "5"}, "bad jwt_ttl '5' (from the command line): expected a whole number from 120 to 86400");
    refused({"config", "set", "output", "xml"}, "bad output 'xml' (from the command line): expected one of json, jsonl, csv, yaml, table, text");
    refused({"config", "set", "bot_id", "st-1\nhost = \"https://evil\""},
            "bot_id: the value holds a control character (a line break, a tab, a NUL): a setting is one line of text");
    refused({"config", "set", "bot_id"}, "config set bot_id: give the VALUE: ccai-cli config set bot_id VALUE");
    refused({"config", "set", "token", "eyJhbGciOi"},
            "token is a secret and is not taken from the command line, where other users can read it (ps, shell history): "
            "run `ccai-cli config set token` and type it, or pipe it in: echo \"$SECRET\" | ccai-cli config set token");
    refused({"--profile", "a]b", "config", "set", "host", "https://x"}, "profile 'a]b': a profile name is letters, digits, '_' and '-'");
    // key=value: the value (perhaps a secret) is never repeated.
    refused({"config", "set", "client_secret=hunter2"},
            "client_secret=...: give the key and the value separately; secrets are read from stdin or a prompt: "
            "ccai-cli config set client_secret");
}

TEST_CASE("cli config: the environment's value wins, and set says so; get prints the value in effect") {
    Cli cli;
    ::chmod((cli.dir / "config").c_str(), 0700);
    auto set = cli({"config", "set", "host", "https://file.example"});
    CHECK(set.code == 0);
    CHECK(set.err == "note: CCAI_HOST is set in the environment and takes precedence over the profile\n");
    CHECK(cli({"config", "get", "host"}).out == "https://cc.example\n");  // CCAI_HOST
    CHECK(cli({"config", "get", "client_secret"}).out == "s3****\n");     // masked
    // The credentials file's value wins over config.toml's too.
    const auto creds = cli.dir / "config" / "credentials";
    std::ofstream(creds) << "[default]\njwt_sub = \"from-credentials\"\n";
    ::chmod(creds.c_str(), 0600);
    auto shadowed = cli({"config", "set", "jwt_sub", "from-config"});
    CHECK(shadowed.code == 0);
    CHECK(shadowed.err == "note: jwt_sub is also set in [default] of " + creds.string() + ", which takes precedence\n");
    CHECK(cli({"config", "get", "jwt_sub"}).out == "from-credentials\n");
    cli.env.erase("CCAI_ORG_ID");
    auto unset = cli({"config", "get", "org_id"});
    CHECK(unset.code == 1);
    CHECK(unset.out.empty());
    CHECK(unset.err == error_line("error", "org_id is not set (profile [default]); set it with: ccai-cli config set org_id VALUE", 1));
}

TEST_CASE("cli config: a file that cannot be edited on one line is left alone, exit 3") {
    Cli cli;
    ::chmod((cli.dir / "config").c_str(), 0700);
    const auto file = cli.dir / "config" / "config.toml";
    const std::string inline_table = "default = { host = \"https://h\" }\n";
    std::ofstream(file) << inline_table;
    const auto r = cli({"config", "set", "bot_id", "st-2"});
    CHECK(r.code == 3);
    CHECK(r.err == error_line("config",
                              file.string() + ":1: [default] is written as an inline table (default = { ... }), which is not "
                                              "edited line by line: the file is left as it is; change it by hand",
                              3));
    CHECK(slurp(file) == inline_table);

    // A symbolic link in place of the file: not written through.
    std::filesystem::remove(file);
    std::ofstream(cli.dir / "elsewhere.toml") << "[default]\n";
    std::filesystem::create_symlink(cli.dir / "elsewhere.toml", file);
    const auto link = cli({"config", "set", "bot_id", "st-2"});
    CHECK(link.code == 3);
    CHECK(slurp(cli.dir / "elsewhere.toml") == "[default]\n");
}
