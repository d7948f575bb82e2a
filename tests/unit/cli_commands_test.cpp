// The CLI's commands run in-process (run_cli) over a FakeTransport and a FakeClock: what a user types,
// what goes on the wire, what lands on stdout and stderr, and the exit code. No process, no socket, no sleep.
#include <doctest/doctest.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "ccai/jwt.hpp"
#include "support/in_process_cli.hpp"

using namespace ccai;
using nlohmann::json;

using test::Cli;
using test::Run;

TEST_CASE("cli: an operation sends the catalog's request and prints the answer as JSON") {
    Cli cli;
    cli.transport->push(200, R"({"id":"q-9","name":"Support"})");
    const auto r = cli({"queues", "get", "--queue-id", "q-9"});
    CHECK(r.code == 0);
    CHECK(r.err.empty());
    CHECK(r.out_json() == json{{"id", "q-9"}, {"name", "Support"}});
    REQUIRE(cli.transport->requests.size() == 1);
    const auto& req = cli.request(0);
    CHECK(req.method == "GET");
    CHECK(req.url == "https://cc.example/agentassist/api/v1/public/st-1/queues/q-9");
    CHECK(Cli::header(req, "accountid") == "acc-1");
    CHECK(verify_jwt(Cli::header(req, "auth"), "s3cret-value"));
}

TEST_CASE("cli: --set builds the body, flags override the environment") {
    Cli cli;
    cli.transport->push(201, R"({"id":"q-1"})");
    const auto r = cli({"--bot-id", "st-2", "queues", "create", "--set", "name=Sales", "--set", "isAdvancedRoutingEnabled=true",
                        "--set", "hoursOfOperation.id=h-1"});
    CHECK(r.code == 0);
    REQUIRE(cli.transport->requests.size() == 1);
    CHECK(cli.request(0).url == "https://cc.example/agentassist/api/v1/public/st-2/queues");
    CHECK(json::parse(cli.request(0).body) ==
          json{{"name", "Sales"}, {"isAdvancedRoutingEnabled", true}, {"hoursOfOperation", {{"id", "h-1"}}}});
}

TEST_CASE("cli: each failure kind has its documented exit code and one JSON error on stderr") {
    struct Case {
        int status;
        int code;
    };
    for (const auto& [status, code] : {Case{404, 5}, Case{401, 4}, Case{400, 6}, Case{500, 8}}) {
        CAPTURE(status);
        Cli cli;
        cli.env["CCAI_MAX_ATTEMPTS"] = "1";
        cli.transport->push(status, R"({"errors":[{"msg":"nope"}]})");
        const auto r = cli({"queues", "get", "--queue-id", "q-9"});
        CHECK(r.code == code);
        CHECK(r.out.empty());
        CHECK(r.error().at("exit_code") == code);
    }
}

TEST_CASE("cli: a rate-limited call waits on the injected clock and then succeeds") {
    Cli cli;
    cli.transport->push(429, R"({"message":"You've exceeded the per-minute rate limit."})", {{"retry-after", "7"}});
    cli.transport->push(200, R"({"id":"q-9"})");
    const auto r = cli({"queues", "get", "--queue-id", "q-9"});
    CHECK(r.code == 0);
    CHECK(cli.transport->requests.size() == 2);
    CHECK(cli.clock->slept() >= std::chrono::seconds(7));
}

TEST_CASE("cli: at a terminal, each retry says why and for how long; piped or with -q, nothing") {
    const auto run = [](bool tty, std::vector<std::string> extra) {
        Cli cli;
        cli.err_tty = tty;
        cli.transport->push(429, R"({"message":"You've exceeded the per-minute rate limit."})", {{"retry-after", "7"}});
        cli.transport->push(503);
        cli.transport->push(200, R"({"id":"q-9"})");
        extra.insert(extra.end(), {"queues", "get", "--queue-id", "q-9"});
        const auto r = cli(extra);
        CHECK(r.code == 0);
        return r.err;
    };
    const auto err = run(true, {});
    CHECK(err.starts_with("the service rejected a call (429); backing off 7."));
    CHECK(err.find("s; the account's limit may be lower than --rate-limit 60/1m\n") != std::string::npos);
    CHECK(err.find("https://cc.example answered 503; retry 2 of 5 in ") != std::string::npos);
    CHECK(run(false, {}).empty());
    CHECK(run(true, {"-q"}).empty());
}

TEST_CASE("cli: --dry-run prints the request with auth masked and sends nothing") {
    Cli cli;
    const auto r = cli({"--dry-run", "queues", "get", "--queue-id", "q-9"});
    CHECK(r.code == 0);
    const auto shown = r.out_json();
    CHECK(shown.at("url") == "https://cc.example/agentassist/api/v1/public/st-1/queues/q-9");
    CHECK(shown.at("headers").at("auth") == "***");
    CHECK(r.out.find("s3cret-value") == std::string::npos);
    CHECK(cli.transport->requests.empty());
}

TEST_CASE("cli: bad input is refused before anything is sent, with exit 2") {
    Cli cli;
    SUBCASE("a missing required parameter") {
        const auto r = cli({"queues", "get"});
        CHECK(r.code == 2);
        CHECK(r.error().at("message").get<std::string>().find("queue") != std::string::npos);
    }
    SUBCASE("an unknown action names the choices") {
        const auto r = cli({"queues", "frobnicate"});
        CHECK(r.code == 2);
        const auto message = r.error().at("message").get<std::string>();
        CHECK(message.find("unknown command 'frobnicate'") != std::string::npos);
        CHECK(message.find("list") != std::string::npos);
    }
    SUBCASE("a body that is not JSON") {
        const auto r = cli({"queues", "create", "--body", "{nope"});
        CHECK(r.code == 2);
    }
    SUBCASE("an empty --allow-http= value") {
        const auto r = cli({"--allow-http=", "queues", "list"});
        CHECK(r.code == 2);
    }
    CHECK(cli.transport->requests.empty());
}

TEST_CASE("cli: a missing account-wide setting names its flag, its key and its environment variable") {
    Cli cli;
    cli.env.erase("CCAI_BOT_ID");
    const auto r = cli({"queues", "get", "--queue-id", "q-9"});
    CHECK(r.code == 2);
    CHECK(r.error().at("message") == "queues.get: missing required parameter --bot-id (or set bot_id in the profile, env CCAI_BOT_ID)");
    CHECK(cli.transport->requests.empty());
}

TEST_CASE("cli: a setting the configuration gets wrong is exit 3 and says where it came from") {
    Cli cli;
    cli.env["CCAI_TIMEOUT"] = "soon";
    const auto r = cli({"queues", "get", "--queue-id", "q-9"});
    CHECK(r.code == 3);
    CHECK(r.error().at("message").get<std::string>().find("CCAI_TIMEOUT") != std::string::npos);
    CHECK(cli.transport->requests.empty());
}

TEST_CASE("cli: --all streams every page as JSON Lines, narrowed by --fields") {
    Cli cli;
    cli.transport->push(200, R"({"results":[{"id":1,"x":"a"},{"id":2,"x":"b"}],"page":1,"totalPages":2})");
    cli.transport->push(200, R"({"results":[{"id":3,"x":"c"}],"page":2,"totalPages":2})");
    const auto r = cli({"agents", "list", "--all", "--fields", "id"});
    CHECK(r.code == 0);
    CHECK(r.out == "{\"id\":1}\n{\"id\":2}\n{\"id\":3}\n");
    CHECK(cli.transport->requests.size() == 2);
}

TEST_CASE("cli: -o text and -o table print rows for people and for cut") {
    Cli cli;
    cli.transport->push(200, R"({"results":[{"id":"a","name":"A"},{"id":"b","name":"B"}],"page":1,"totalPages":1})");
    const auto text = cli({"-o", "text", "--fields", "id,name", "queues", "list"});
    CHECK(text.code == 0);
    CHECK(text.out == "a\tA\nb\tB\n");
}

TEST_CASE("cli: config list masks secrets and says where each value came from") {
    Cli cli;
    const auto r = cli({"-o", "json", "config", "list", "--show-origin"});
    CHECK(r.code == 0);
    CHECK(r.out.find("s3cret-value") == std::string::npos);
    bool saw_secret = false;
    for (const auto& row : r.out_json()) {
        if (row.at("key") == "client_secret") {
            saw_secret = true;
            CHECK(row.at("value") != "");
        }
        if (row.at("key") == "bot_id") CHECK(row.at("value") == "st-1");
    }
    CHECK(saw_secret);
    CHECK(cli.transport->requests.empty());
}

TEST_CASE("cli: a batch runs each line through the client and reports one result per line") {
    Cli cli;
    const auto input = cli.dir / "in.jsonl";
    std::ofstream(input) << R"({"op":"queues.get","params":{"queueId":"q-1"},"id":"first"})" "\n"
                         << R"({"op":"queues.get","params":{"queueId":"q-2"},"id":"second"})" "\n";
    cli.transport->push(200, R"({"id":"q-1"})");
    cli.transport->push(404, R"({"errors":[{"msg":"gone"}]})");
    cli.env["CCAI_MAX_ATTEMPTS"] = "1";
    const auto r = cli({"batch", "--input", input.string(), "--concurrency", "1"});
    CHECK(r.code == 10);
    std::map<std::string, std::string> outcome;
    for (size_t start = 0, end; (end = r.out.find('\n', start)) != std::string::npos; start = end + 1) {
        const auto line = json::parse(r.out.substr(start, end - start));
        outcome[line.at("id")] = line.at("outcome");
    }
    CHECK(outcome == std::map<std::string, std::string>{{"first", "ok"}, {"second", "failed"}});
}

TEST_CASE("cli: --help and --version print on the console's stdout and exit 0") {
    Cli cli;
    const auto help = cli({"queues", "get", "--help"});
    CHECK(help.code == 0);
    CHECK(help.out.find("--queue-id") != std::string::npos);
    // An action's help names its one-of groups: transfer takes an agent or a queue, not both.
    CHECK(cli({"transfer", "transfer", "--help"}).out.find("One of: aId | queueId (exactly one).") != std::string::npos);
    const auto version = cli({"--version"});
    CHECK(version.code == 0);
    CHECK(version.out.starts_with("ccai-cli "));
}

TEST_CASE("cli: completion and reference are printed from the whole command tree") {
    Cli cli;
    const auto bash = cli({"completion", "bash"});
    CHECK(bash.code == 0);
    CHECK(bash.out.find("queues") != std::string::npos);
    const auto reference = cli({"reference"});
    CHECK(reference.code == 0);
    CHECK(reference.out.find("## ") != std::string::npos);
}

TEST_CASE("cli: the redis password is never a flag, never in the --pacer URL, and masked in config list") {
    Cli cli;
    cli.env["CCAI_REDIS_PASSWORD"] = "redis-pw-value";
    const auto listed = cli({"-o", "json", "config", "list"});
    CHECK(listed.code == 0);
    CHECK(listed.out.find("redis-pw-value") == std::string::npos);
    bool saw = false;
    for (const auto& row : listed.out_json()) saw = saw || row.at("key") == "redis_password";
    CHECK(saw);

    const auto flag = cli({"--redis-password", "redis-pw-value", "queues", "list"});
    CHECK(flag.code == 2);

    const auto in_url = cli({"--pacer", "redis://pacer:url-pw-value@127.0.0.1:6379", "queues", "list"});
    CHECK(in_url.code == 2);
    CHECK(in_url.err.find("url-pw-value") == std::string::npos);
    CHECK(in_url.err.find("CCAI_REDIS_PASSWORD") != std::string::npos);
    cli.env["CCAI_PACER"] = "redis://:env-pw-value@127.0.0.1:6379";
    const auto in_env = cli({"queues", "list"});
    CHECK(in_env.code == 3);
    CHECK(in_env.err.find("env-pw-value") == std::string::npos);
    CHECK(cli.transport->requests.empty());
}
