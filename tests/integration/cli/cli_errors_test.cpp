// Errors as whoever reads them needs them: lines and a hint on a terminal, one JSON object a line for
// programs; a suggestion for a mistyped group, action or flag; the OS's reason for a --body file; what JSON
// expected; every missing setting at once; the credentials a rejected call used.
#include <doctest/doctest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "support/cli_support.hpp"
#include "support/pseudo_terminal.hpp"

using namespace ccai;
using ccai::mock::testing::MockProcess;

namespace {

constexpr auto kLimit = std::chrono::seconds(20);

std::string json_error(const std::string& kind, const std::string& message, int exit_code) {
    return nlohmann::json{{"error", {{"kind", kind}, {"message", message}, {"exit_code", exit_code}}}}.dump() + "\n";
}

// No setting from the environment, and an empty configuration directory: a first run.
std::map<std::string, std::string> first_run_env(const std::string& home) {
    std::map<std::string, std::string> env;
    for (const auto& s : setting_specs())
        if (!s.env.empty()) env[std::string(s.env)] = "";
    env["CCAI_PROFILE"] = "";
    env["CCAI_ERROR_FORMAT"] = "";
    env["XDG_CONFIG_HOME"] = home;
    env["XDG_STATE_HOME"] = home + "/state";
    env["HOME"] = home;
    return env;
}

}  // namespace

TEST_CASE("errors: a terminal gets a line and a hint, a pipe one JSON object; --error-format and CCAI_ERROR_FORMAT choose") {
    MockProcess mock({"--rate-limit", "none"});
    auto env = test::cli_env(mock);
    env["CCAI_ERROR_FORMAT"] = "";
    const std::vector<std::string> get = {"agents", "get", "--agent-id", "a-nope"};
    const std::string text = "error: Agent not found: a-nope (HTTP 404)\n"
                             "hint: check the id, and the account, bot and org the profile names\n";
    const std::string json =
        R"({"error":{"code":"404","exit_code":5,"kind":"not_found","message":"Agent not found: a-nope","status":404}})" "\n";

    const auto on_terminal = test::cli_on_terminal(get, env);
    CHECK(on_terminal.exit_code == 5);
    CHECK(on_terminal.out.empty());
    CHECK(on_terminal.err == text);

    const auto piped = test::cli_for(kLimit, get, env);
    CHECK(piped.exit_code == 5);
    CHECK(piped.out.empty());
    CHECK(piped.err == json);

    auto as_json = get;
    as_json.insert(as_json.end(), {"--error-format", "json"});
    const auto forced_json = test::cli_on_terminal(as_json, env);
    CHECK(forced_json.exit_code == 5);
    CHECK(forced_json.err == json);

    auto as_text = get;
    as_text.insert(as_text.begin(), "--error-format=text");
    const auto forced_text = test::cli_for(kLimit, as_text, env);
    CHECK(forced_text.exit_code == 5);
    CHECK(forced_text.err == text);

    auto text_env = env;
    text_env["CCAI_ERROR_FORMAT"] = "text";
    CHECK(test::cli_for(kLimit, get, text_env).err == text);
    // The flag wins over the variable.
    CHECK(test::cli_for(kLimit, as_json, text_env).err == json);

    auto bad = get;
    bad.insert(bad.end(), {"--error-format", "xml"});
    const auto refused = test::cli_for(kLimit, bad, env);
    CHECK(refused.exit_code == 2);
    CHECK(refused.out.empty());
    CHECK(refused.err == json_error("invalid_input", "--error-format: 'xml' is not an error format: json, text or auto", 2));
}

TEST_CASE("errors: a usage error on a terminal points to the command's help") {
    const auto r = test::cli_on_terminal({"agents", "get", "--agentid", "a-1"}, first_run_env(test::temp_dir()));
    CHECK(r.exit_code == 2);
    CHECK(r.out.empty());
    CHECK(r.err == "error: unknown flag '--agentid' for agents get; did you mean '--agent-id'?\n"
                   "hint: 'ccai-cli help agents get' shows its flags and an example\n");
}

TEST_CASE("errors: a server's message cannot act on the terminal that shows it") {
    // A profile name with an escape sequence is quoted back in the error.
    auto env = first_run_env(test::temp_dir());
    const auto r = test::cli_on_terminal({"--profile", "x\x1b[2Jy", "queues", "list"}, env);
    CHECK(r.exit_code == 3);
    CHECK(r.err.find('\x1b') == std::string::npos);
    CHECK(r.err.find("x\\x1b[2Jy") != std::string::npos);
}

TEST_CASE("errors: did you mean, for groups, actions and flags, with the words in the order typed") {
    const auto env = first_run_env(test::temp_dir());
    const auto expect = [&](const std::vector<std::string>& args, const std::string& message) {
        const auto r = test::cli_for(kLimit, args, env);
        CHECK(r.exit_code == 2);
        CHECK(r.out.empty());
        CHECK(r.err == json_error("invalid_input", message, 2));
    };
    expect({"agents", "lst"}, "unknown action 'lst' for agents; did you mean 'list'?");
    expect({"agnts", "list"}, "unknown command 'agnts' for ccai-cli; did you mean 'agents'?");
    expect({"agents", "get", "--agentid", "a-1"}, "unknown flag '--agentid' for agents get; did you mean '--agent-id'?");
    expect({"agents", "get", "--agentid=a-1"}, "unknown flag '--agentid' for agents get; did you mean '--agent-id'?");
    // A global flag is a candidate too.
    expect({"agents", "list", "--ouptut", "json"}, "unknown flag '--ouptut' for agents list; did you mean '--output'?");
    // Nothing near: the choices, or the flag alone.
    expect({"agents", "frobnicate"},
           "unknown action 'frobnicate' for agents; one of: create, list, get, update, delete, get-by-custom-id, availability");
    expect({"agents", "get", "--zzzzzzzz"}, "unknown flag '--zzzzzzzz' for agents get");
    expect({"agents", "get", "--agent-id", "a-1", "b-2", "c-3"}, "agents get: unexpected arguments 'b-2' 'c-3'");
    expect({"agents"}, "agents: missing action; one of: create, list, get, update, delete, get-by-custom-id, availability");
}

TEST_CASE("errors: --body @FILE that cannot be read gives the OS's reason, and a FIFO without a writer does not hang") {
    const auto dir = test::temp_dir();
    const auto env = first_run_env(dir);
    const auto expect = [&](const std::string& body, const std::string& message) {
        const auto r = test::cli_for(kLimit, {"skill-groups", "create", "--body", body}, env);
        CHECK(!r.timed_out);
        CHECK(r.exit_code == 2);
        CHECK(r.out.empty());
        CHECK(r.err == json_error("invalid_input", message, 2));
    };
    expect("@" + dir + "/missing.json", "--body @" + dir + "/missing.json: cannot be read (No such file or directory)");
    expect("@" + dir, "--body @" + dir + ": is a directory, not a file");
    expect("@" + dir + "/missing.json/x", "--body @" + dir + "/missing.json/x: cannot be read (No such file or directory)");
    std::ofstream(dir + "/file.json") << "{}";
    expect("@" + dir + "/file.json/x", "--body @" + dir + "/file.json/x: cannot be read (Not a directory)");
    REQUIRE(::mkfifo((dir + "/fifo").c_str(), 0600) == 0);
    expect("@" + dir + "/fifo",
           "--body @" + dir + "/fifo: a FIFO that no program was writing to: start the writer first (ccai-cli does not wait for one)");
    std::ofstream(dir + "/empty.json").flush();
    expect("@" + dir + "/empty.json", "--body @" + dir + "/empty.json: empty, expected JSON");
    if (::geteuid() != 0) {  // root reads any file
        std::ofstream(dir + "/secret.json") << "{}";
        ::chmod((dir + "/secret.json").c_str(), 0);
        expect("@" + dir + "/secret.json", "--body @" + dir + "/secret.json: cannot be read (Permission denied)");
    }
}

TEST_CASE("errors: invalid JSON says where and what was expected") {
    const auto env = first_run_env(test::temp_dir());
    const auto expect = [&](const std::string& body, const std::string& message) {
        const auto r = test::cli_for(kLimit, {"skill-groups", "create", "--body", body}, env);
        CHECK(r.exit_code == 2);
        CHECK(r.out.empty());
        CHECK(r.err == json_error("invalid_input", message, 2));
    };
    expect("{\"name\": \n oops}",
           "--body: invalid JSON at line 2, column 2: syntax error while parsing value - invalid literal; last read: "
           "'\"name\": <U+000A> o'");
    expect("{\"name\": 1,}", "--body: invalid JSON at line 1, column 12: syntax error while parsing object key - "
                             "unexpected '}'; expected string literal");
    expect("[1, 2", "--body: invalid JSON at line 1, column 6: syntax error while parsing array - unexpected end of "
                    "input; expected ']'");
}

TEST_CASE("errors: a first run names every missing setting at once and points to config init") {
    const auto dir = test::temp_dir();
    const auto r = test::cli_for(kLimit, {"agents", "list"}, first_run_env(dir));
    CHECK(r.exit_code == 3);
    CHECK(r.out.empty());
    CHECK(r.err == json_error("config",
                              "agents.list needs settings that profile 'default' does not have: bot_id (--bot-id or "
                              "CCAI_BOT_ID), org_id (--org-id or CCAI_ORG_ID), client_id (--client-id or CCAI_CLIENT_ID), client_secret (CCAI_CLIENT_SECRET or the "
                              "credentials file); 'ccai-cli config init' sets them up (in " + dir + "/ccai)", 3));
    // --dry-run signs nothing: the credentials are not asked for.
    const auto dry = test::cli_for(kLimit, {"agents", "list", "--dry-run", "--host", "https://cc.example"}, first_run_env(dir));
    CHECK(dry.exit_code == 3);
    CHECK(dry.err == json_error("config",
                                "agents.list needs settings that profile 'default' does not have: bot_id (--bot-id or "
                                "CCAI_BOT_ID), org_id (--org-id or CCAI_ORG_ID); 'ccai-cli config init' sets them up (in " +
                                    dir + "/ccai)", 3));
}

TEST_CASE("errors: api and batch name every missing setting at once, as JSON when piped and as text at a terminal") {
    const auto dir = test::temp_dir();
    const auto env = first_run_env(dir);
    std::ofstream(dir + "/lines.jsonl") << R"({"op":"agents.list"})" "\n" R"({"op":"skill-groups.create","body":{"name":"x"}})" "\n";
    const std::string in_dir = "; 'ccai-cli config init' sets them up (in " + dir + "/ccai)";
    const std::string credentials = "client_id (--client-id or CCAI_CLIENT_ID), client_secret (CCAI_CLIENT_SECRET or the credentials file)";
    const std::string hint = "hint: 'ccai-cli config init' sets up a profile; 'ccai-cli config list --show-origin' shows each "
                             "setting and where it comes from\n";
    const auto expect = [&](const std::vector<std::string>& args, const std::string& message) {
        const auto piped = test::cli_for(kLimit, args, env);
        CHECK(piped.exit_code == 3);
        CHECK(piped.out.empty());
        CHECK(piped.err == json_error("config", message, 3));
        const auto at_terminal = test::cli_on_terminal(args, env);
        CHECK(at_terminal.exit_code == 3);
        CHECK(at_terminal.out.empty());
        CHECK(at_terminal.err == "error: " + message + "\n" + hint);
    };
    expect({"api", "GET", "/agentassist/api/v1/public/{botId}/queues"},
           "api needs settings that profile 'default' does not have: bot_id (--bot-id or "
           "CCAI_BOT_ID), " + credentials + in_dir);
    expect({"api", "GET", "/orgs/{orgId}/{accountId}", "--dry-run"},
           "api needs settings that profile 'default' does not have: account_id (--account-id or CCAI_ACCOUNT_ID), "
           "org_id (--org-id or CCAI_ORG_ID)" + in_dir);
    // The union of what every line's operation needs, before any line is checked.
    expect({"batch", "--input", dir + "/lines.jsonl"},
           "batch needs settings that profile 'default' does not have: bot_id (--bot-id or "
           "CCAI_BOT_ID), org_id (--org-id or CCAI_ORG_ID), " + credentials + in_dir);
    expect({"batch", "--input", dir + "/lines.jsonl", "--dry-run", "--host", "https://cc.example", "--org-id", "o-1"},
           "batch needs settings that profile 'default' does not have: bot_id (--bot-id or CCAI_BOT_ID)" + in_dir);
}

TEST_CASE("errors: a rejected secret names the profile and the credentials file in use") {
    MockProcess mock({"--rate-limit", "none"});
    const auto home = test::temp_dir();
    std::filesystem::create_directories(home + "/ccai");
    std::ofstream(home + "/ccai/config.toml") << "[prod]\nclient_id = \"cs-mock\"\n";
    {
        std::ofstream(home + "/ccai/credentials") << "[prod]\nclient_secret = \"not-the-secret\"\n";
    }
    ::chmod((home + "/ccai/credentials").c_str(), 0600);
    auto env = test::cli_env(mock, home);
    env["CCAI_CLIENT_ID"] = "";
    env["CCAI_CLIENT_SECRET"] = "";
    const auto r = test::cli_for(kLimit, {"--profile", "prod", "queues", "list"}, env);
    CHECK(r.exit_code == 4);
    CHECK(r.out.empty());
    const auto e = test::error_of(r);
    CHECK(e["kind"] == "auth");
    CHECK(e["status"] == 401);
    const std::string message = e["message"];
    CHECK(message.ends_with("; credentials of profile 'prod': client_id from profile [prod] (" + home +
                            "/ccai/config.toml), client_secret from credentials [prod] (" + home + "/ccai/credentials)"));
    CHECK(r.err.find("not-the-secret") == std::string::npos);

    // From the environment: it says so.
    auto from_env = test::cli_env(mock, home);
    from_env["CCAI_CLIENT_SECRET"] = "also-wrong";
    const auto r2 = test::cli_for(kLimit, {"queues", "list"}, from_env);
    CHECK(r2.exit_code == 4);
    CHECK(test::error_of(r2)["message"].get<std::string>().ends_with(
        "; credentials of profile 'default': client_id from env CCAI_CLIENT_ID, client_secret from env CCAI_CLIENT_SECRET"));
}

TEST_CASE("errors: error_format in the profile; --error-format, then CCAI_ERROR_FORMAT, then the profile, then auto") {
    const auto dir = test::temp_dir();
    std::filesystem::create_directories(dir + "/ccai");
    const auto profiles = [&](const std::string& default_format, const std::string& other_format) {
        std::ofstream(dir + "/ccai/config.toml") << "[default]\n" << default_format << "\n[other]\n" << other_format << "\n";
    };
    auto env = first_run_env(dir);
    const std::vector<std::string> unknown = {"agents", "list", "--nope"};  // refused by the parse, before anything else
    const std::string message = "unknown flag '--nope' for agents list";
    const std::string text = "error: " + message + "\nhint: 'ccai-cli help agents list' shows its flags and an example\n";
    const std::string json = json_error("invalid_input", message, 2);
    const auto piped = [&](std::vector<std::string> args) {
        const auto r = test::cli_for(kLimit, args, env);
        CHECK(r.exit_code == 2);
        CHECK(r.out.empty());
        return r.err;
    };
    const auto at_terminal = [&](std::vector<std::string> args) {
        const auto r = test::cli_on_terminal(args, env);
        CHECK(r.exit_code == 2);
        CHECK(r.out.empty());
        return r.err;
    };

    profiles("error_format = \"text\"", "error_format = \"json\"");
    CHECK(piped(unknown) == text);  // the profile over auto, for the parse's own errors too
    auto other = unknown;
    other.insert(other.begin(), {"--profile", "other"});
    CHECK(at_terminal(other) == json);  // the selected profile's
    env["CCAI_PROFILE"] = "other";
    CHECK(at_terminal(unknown) == json);
    env["CCAI_PROFILE"] = "";
    env["CCAI_ERROR_FORMAT"] = "json";
    CHECK(piped(unknown) == json);  // the environment over the profile
    auto flag = unknown;
    flag.insert(flag.end(), {"--error-format", "text"});
    env["CCAI_ERROR_FORMAT"] = "json";
    CHECK(piped(flag) == text);  // the flag over the environment
    env["CCAI_ERROR_FORMAT"] = "";
    profiles("error_format = \"auto\"", "");
    CHECK(piped(unknown) == json);
    CHECK(at_terminal(unknown) == text);

    // An invalid value is a configuration error naming the file and the key, in the format chosen without it.
    profiles("error_format = \"xml\"", "");
    const auto bad = test::cli_for(kLimit, {"agents", "list"}, env);
    CHECK(bad.exit_code == 3);
    CHECK(bad.out.empty());
    CHECK(bad.err == json_error("config", "bad error_format 'xml' (from profile [default] (" + dir +
                                              "/ccai/config.toml)): expected one of auto, json, text", 3));
    // config unset mends it.
    const auto unset = test::cli_for(kLimit, {"config", "unset", "error_format"}, env);
    CHECK(unset.exit_code == 0);
    CHECK(piped(unknown) == json);

    // config set and get know the key, and check its value.
    const auto set = test::cli_for(kLimit, {"config", "set", "error_format", "text"}, env);
    CHECK(set.exit_code == 0);
    CHECK(test::cli_for(kLimit, {"config", "get", "error_format"}, env).out == "text\n");
    CHECK(piped(unknown) == text);
    const auto refused = test::cli_for(kLimit, {"config", "set", "error_format", "xml"}, env);
    CHECK(refused.exit_code == 2);
    CHECK(refused.err == "error: bad error_format 'xml' (from the command line): expected one of auto, json, text\n"
                         "hint: 'ccai-cli help config set' shows its flags and an example\n");
}
