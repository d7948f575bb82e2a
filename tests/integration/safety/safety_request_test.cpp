// Requests the user did not mean: a dot segment that retargets a call, a header smuggled in through a value,
// a host that sends the token in the clear or somewhere else. Each case runs the real ccai-cli against
// ccai-mock and checks three things: the exit code (with its JSON error), that nothing reached the mock
// (its request log), and that no file changed.
#include <doctest/doctest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <iterator>

#include <fmt/format.h>

#include "support/cli_support.hpp"
#include "support/test_files.hpp"

using namespace ccai;
using ccai::test::write_file;
using ccai::mock::testing::call;
using ccai::mock::testing::json;
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
    CHECK(e["message"].get<std::string>().find(mentions) != std::string::npos);
    CHECK(r.out.empty());
}

// Every file and directory under `dir` with its content: compared before and after, it shows that a
// refused command wrote, truncated, created or removed nothing.
std::map<std::string, std::string> snapshot(const std::string& dir) {
    std::map<std::string, std::string> out;
    for (const auto& e : std::filesystem::recursive_directory_iterator(dir)) {
        std::string content = "(directory)";
        if (e.is_regular_file()) {
            std::ifstream in(e.path(), std::ios::binary);
            content.assign(std::istreambuf_iterator<char>(in), {});
        }
        out[e.path().string()] = content;
    }
    return out;
}

// The argv prefix that runs a program in a network namespace of its own, where only a down loopback
// exists: nothing it does can leave this machine, not even a connection attempt. Empty (and the reason in
// `why`) when this machine cannot make one.
std::vector<std::string> isolated(std::string& why) {
    for (const std::vector<std::string> prefix : {std::vector<std::string>{"unshare", "-n"},
                                                   std::vector<std::string>{"unshare", "-rn"}}) {
        if (prefix[1] == "-n" && ::geteuid() != 0) continue;  // -n alone needs root
        auto probe = prefix;  // and inside it, no route at all
        probe.insert(probe.end(), {"sh", "-c", "test -r /proc/net/route && test -z \"$(tail -n +2 /proc/net/route)\""});
        const auto r = test::run(probe);
        if (r.exit_code == 0) return prefix;
        why += fmt::format("'{} {}' failed (exit {}): {}; ", prefix[0], prefix[1], r.exit_code, r.err);
    }
    return {};
}

}  // namespace

TEST_CASE("request safety: a '.' or '..' path value is refused, and the skill group it would hit stays") {
    MockProcess mock({"--rate-limit", "none"});
    const auto dir = test::temp_dir();
    auto env = test::cli_env(mock, dir);
    auto sdk = mock.sdk();
    const auto group = call(*sdk, "skill-groups.create", {}, json{{"name", "Languages"}});
    REQUIRE(group.ok());
    const auto sg = (*group)["id"].get<std::string>();
    const auto skill = call(*sdk, "skills.create", {{"skillGroupId", sg}}, json{{"name", "French"}, {"skillGroupId", sg}});
    REQUIRE(skill.ok());
    const auto batch_input = write_file(dir + "/in.jsonl", json{{"op", "skills.delete"},
                                                                {"params", {{"skillGroupId", sg}, {"skillId", ".."}}}}
                                                               .dump() + "\n");
    const auto arrived = mock.log().size();
    const auto files = snapshot(dir);

    for (const std::string bad : {"..", ".", "%2e%2e", "%2E.", "..;x", "a/../..", "%252e%252e"}) {
        CAPTURE(bad);
        expect_rejected(test::cli({"skills", "delete", "--skill-group-id", sg, "--skill-id", bad}, env), 2, "--skill-id");
        expect_rejected(test::cli({"skill-groups", "delete", "--skill-group-id", bad}, env), 2, "--skill-group-id");
        expect_rejected(test::cli({"skills", "delete", "--skill-group-id", sg, "--skill-id", bad, "--dry-run"}, env), 2,
                        "--skill-id");
    }
    expect_rejected(test::cli({"skills", "delete", "--skill-group-id", sg, "--skill-id", ""}, env), 2, "--skill-id");
    // The account-wide ids: a flag on this line is input; the environment or a profile is configuration.
    expect_rejected(test::cli({"skill-groups", "list", "--bot-id", ".."}, env), 2, "--bot-id");
    auto bad_env = env;
    bad_env["CCAI_BOT_ID"] = "..";
    expect_rejected(test::cli({"skill-groups", "list"}, bad_env), 3, "env CCAI_BOT_ID");
    bad_env = env;
    bad_env["CCAI_ORG_ID"] = "%2e%2e";
    expect_rejected(test::cli({"agents", "list"}, bad_env), 3, "env CCAI_ORG_ID");
    // Batch lines go through the same checks, every line before anything is sent.
    // A batch line names the parameter as its "params" spell it.
    expect_rejected(test::cli({"batch", "--input", batch_input, "--results", dir + "/out.jsonl"}, env), 2,
                    "parameter skillId '..'");
    // `api`: a dot segment in PATH, or in a value filled into it, is refused instead of resolved away.
    const auto api_base = std::string("/agentassist/api/v1/public/{botId}/skill-groups/") + sg;
    for (const std::string path : {api_base + "/skills/..", api_base + "/skills/.", api_base + "/skills/%2e%2e",
                                   api_base + "/../" + sg, api_base + "/skills/..?x=1", api_base + "/skills/..%2f",
                                   api_base + "/skills/..\\", api_base + "/skills/a%2F..%2F.."})
        expect_rejected(test::cli({"api", "DELETE", path}, env), 2, "'.' or '..'");
    for (const std::string path : {api_base + "/skills/", api_base + "//skills/x", api_base + "/skills/%2F"})
        expect_rejected(test::cli({"api", "DELETE", path}, env), 2, "empty");
    expect_rejected(test::cli({"api", "DELETE", api_base + "/skills/%00"}, env), 2, "control character");
    expect_rejected(test::cli({"api", "DELETE", api_base + "#x"}, env), 2, "'#'");
    bad_env = env;
    bad_env["CCAI_BOT_ID"] = "..";
    expect_rejected(test::cli({"api", "GET", "/agentassist/api/v1/public/{botId}/skill-groups"}, bad_env), 3,
                    "env CCAI_BOT_ID");
    bad_env["CCAI_BOT_ID"] = "";
    // Unset, it is named with the other settings the call lacks.
    expect_rejected(test::cli({"api", "GET", "/agentassist/api/v1/public/{botId}/skill-groups"}, bad_env), 3,
                    "api needs settings that profile 'default' does not have: bot_id (--bot-id or CCAI_BOT_ID);");

    CHECK(mock.log().size() == arrived);
    CHECK(snapshot(dir) == files);
    CHECK(call(*sdk, "skill-groups.get", {{"skillGroupId", sg}}).ok());
    CHECK(call(*sdk, "skills.get", {{"skillGroupId", sg}, {"skillId", (*skill)["id"].get<std::string>()}}).ok());
    // An ordinary id still goes out (and the mock answers that it does not exist).
    CHECK(test::cli({"skills", "delete", "--skill-group-id", sg, "--skill-id", "..a"}, env).exit_code == 5);
}

TEST_CASE("request safety: a line break or NUL in a header value, or a reserved -H header, is refused") {
    MockProcess mock({"--rate-limit", "none"});
    const auto dir = test::temp_dir();
    auto env = test::cli_env(mock, dir);
    ::mkdir((dir + "/ccai").c_str(), 0700);
    const auto files = snapshot(dir);

    auto bad = env;
    bad["CCAI_ACCOUNT_ID"] = "acct\r\nX-Injected: yes";
    expect_rejected(test::cli({"queues", "list"}, bad), 3, "account_id (env CCAI_ACCOUNT_ID)");
    expect_rejected(test::cli({"queues", "list", "--dry-run"}, bad), 3, "account_id (env CCAI_ACCOUNT_ID)");
    expect_rejected(test::cli({"api", "GET", "/agentassist/api/v1/public/{botId}/queues"}, bad), 3, "CCAI_ACCOUNT_ID");
    CHECK(test::cli({"queues", "list"}, bad).err.find("X-Injected") == std::string::npos);  // never echoed
    bad = env;
    bad["CCAI_BOT_ID"] = "st-1\nX-Injected: yes";
    expect_rejected(test::cli({"hours", "get", "--queue-id", "q"}, bad), 3, "env CCAI_BOT_ID");
    bad = env;
    bad["CCAI_TOKEN"] = "eyJhbGciOiJIUzI1NiJ9.e30.sig\r\nX-Injected: yes";
    expect_rejected(test::cli({"queues", "list"}, bad), 3, "token (env CCAI_TOKEN)");
    expect_rejected(test::cli({"queues", "list", "--account-id", "a\r\nX-Injected: yes"}, env), 2, "--account-id");

    // From a profile: the file named. A NUL can only come from there (argv and the environment cannot hold one).
    const auto config_toml = dir + "/ccai/config.toml";
    for (const std::string value : {R"(acct\r\nX-Injected: yes)", R"(acct\u0000x)", R"(acct\n)"}) {
        CAPTURE(value);
        write_file(config_toml, "[default]\naccount_id = \"" + value + "\"\n");
        auto from_profile = env;
        from_profile["CCAI_ACCOUNT_ID"] = "";
        expect_rejected(test::cli({"queues", "list"}, from_profile), 3, config_toml);
    }
    std::filesystem::remove(config_toml);

    const std::string path = "/agentassist/api/v1/public/{botId}/queues";
    for (const std::string header : {"a:b\r\nX-Inj: 1", "a:b\nX-Inj: 1", "X-A: b\r", "X-A: \x1b[2J", "Host: evil.example",
                                     "host:evil.example", "Content-Length: 0", "Transfer-Encoding: chunked",
                                     "Connection: close", "Upgrade: h2c", "Bad Name: v", "X-A\r\nX-Inj: 1", ": v",
                                     "novalue"}) {
        CAPTURE(header);
        expect_rejected(test::cli({"api", "GET", path, "-H", header}, env), 2, "-H");
        expect_rejected(test::cli({"api", "GET", path, "-H", header, "--dry-run"}, env), 2, "-H");
    }
    CHECK(mock.log().empty());
    CHECK(snapshot(dir) == files);
    // An ordinary custom header still goes out.
    auto ok = test::cli({"api", "GET", path, "-H", "X-Trace: a b"}, env);
    INFO(ok.err);
    CHECK(ok.exit_code == 0);
    CHECK(mock.log().size() == 1);
}

TEST_CASE("request safety: hosts with a query, fragment, user or other scheme are refused; no scheme means https") {
    MockProcess mock({"--rate-limit", "none"});
    const auto dir = test::temp_dir();
    auto env = test::cli_env(mock, dir);
    const auto hostport = "127.0.0.1:" + std::to_string(mock.port());
    const auto files = snapshot(dir);

    for (const std::string host : {mock.base() + "/prefix?x=1#f", mock.base() + "?x=1", mock.base() + "#f",
                                   "http://user:hunter2@" + hostport, "ftp://" + hostport, mock.base() + "/a/../b",
                                   "http://" + hostport + "\r\nX-Injected: 1", "http://:" + std::to_string(mock.port())}) {
        CAPTURE(host);
        auto r = test::cli({"queues", "list", "--host", host}, env);
        expect_rejected(r, 2, "host (--host)");
        CHECK(r.err.find("hunter2") == std::string::npos);
        auto from_env = env;
        from_env["CCAI_HOST"] = host;
        expect_rejected(test::cli({"queues", "list", "--dry-run"}, from_env), 3, "host (env CCAI_HOST)");
    }
    // No scheme: https://, as --dry-run shows; and a real call speaks TLS to the plain-http mock, which fails.
    auto dry = test::cli({"queues", "list", "--host", hostport, "--dry-run"}, env);
    INFO(dry.err);
    REQUIRE(dry.exit_code == 0);
    CHECK(nlohmann::json::parse(dry.out)["url"].get<std::string>().starts_with("https://" + hostport + "/agentassist/"));
    CHECK(test::cli({"queues", "list", "--host", hostport, "--timeout", "2"}, env).exit_code == 9);
    // A base path: the API path goes after it.
    dry = test::cli({"queues", "list", "--host", mock.base() + "/gw/", "--dry-run"}, env);
    REQUIRE(dry.exit_code == 0);
    CHECK(nlohmann::json::parse(dry.out)["url"].get<std::string>().starts_with(mock.base() + "/gw/agentassist/"));
    CHECK(mock.log().empty());
    CHECK(snapshot(dir) == files);

    // --insecure on plain http: it says that it changes nothing (the loopback call itself is allowed).
    auto insecure = test::cli({"queues", "list", "--insecure"}, env);
    CHECK(insecure.exit_code == 0);
    CHECK(insecure.err.find("--insecure changes nothing") != std::string::npos);
    CHECK(mock.log().size() == 1);
}

TEST_CASE("request safety: plain http to another machine is refused, and --allow-http makes the call go out") {
    std::string why;
    const auto netns = isolated(why);
    if (netns.empty())
        FAIL("this test needs a network namespace of its own (unshare -n as root, or unshare -rn with user namespaces "
             "enabled) so that nothing can leave the machine; " << why);
    const auto dir = test::temp_dir();
    ::mkdir((dir + "/ccai").c_str(), 0700);
    auto env = test::cli_env("http://192.0.2.2:8080", dir);
    env["CCAI_CONNECT_TIMEOUT"] = "5";
    const auto files = snapshot(dir);
    const auto in_netns = [&](std::vector<std::string> args, const std::map<std::string, std::string>& e) {
        auto argv = netns;
        argv.push_back(ccai::test::cli_path());
        argv.insert(argv.end(), args.begin(), args.end());
        return test::run(argv, e);
    };

    // Refused before any connection: exit 2/3 with the reason, not 9 (the network error a try would give).
    expect_rejected(in_netns({"queues", "list"}, env), 3, "--allow-http");
    expect_rejected(in_netns({"queues", "list", "--dry-run"}, env), 3, "--allow-http");
    expect_rejected(in_netns({"queues", "list", "--allow-http=false"}, env), 3, "--allow-http");
    // An empty value (a script's `--allow-http=$UNSET`) would read as true.
    expect_rejected(in_netns({"--allow-http=", "queues", "list"}, env), 2, "--allow-http");
    expect_rejected(in_netns({"queues", "list", "--host", "http://192.0.2.2:8080"}, env), 2, "--allow-http");
    const auto insecure = in_netns({"api", "GET", "/x", "--insecure"}, env);
    expect_rejected(insecure, 3, "--allow-http");
    CHECK(insecure.err.find("--insecure changes nothing") != std::string::npos);
    auto bad_value = env;
    bad_value["CCAI_ALLOW_HTTP"] = "yes";
    expect_rejected(in_netns({"queues", "list"}, bad_value), 3, "allow_http 'yes' (from env CCAI_ALLOW_HTTP)");
    CHECK(snapshot(dir) == files);

    // Opted in (flag, environment, profile): the call is attempted, and in the namespace it cannot connect.
    const auto attempted = [&](const test::RunResult& r) {
        INFO("stderr: " << r.err);
        CHECK(r.exit_code == 9);
        const auto e = test::error_of(r);
        REQUIRE(e.is_object());
        CHECK(e["kind"] == "network");
    };
    attempted(in_netns({"queues", "list", "--allow-http"}, env));
    attempted(in_netns({"--allow-http", "queues", "list"}, env));
    auto opted = env;
    opted["CCAI_ALLOW_HTTP"] = "true";
    attempted(in_netns({"queues", "list"}, opted));
    write_file(dir + "/ccai/config.toml", "[default]\nallow_http = true\n");
    attempted(in_netns({"queues", "list"}, env));
}

TEST_CASE("request safety: plain http goes straight to this machine, whatever the proxy variables say") {
    MockProcess target({"--rate-limit", "none"});
    MockProcess proxy({"--rate-limit", "none"});  // a "proxy" that logs what it is sent
    auto env = test::cli_env(target);
    for (const auto* name : {"http_proxy", "HTTP_PROXY", "ALL_PROXY", "all_proxy"}) env[name] = proxy.base();
    const auto direct = test::cli({"queues", "list"}, env);
    CHECK_MESSAGE(direct.exit_code == 0, direct.err);
    CHECK(target.log().size() == 1);
    CHECK(proxy.log().empty());  // it would have had the token in the clear

    // The control: with allow_http the user has said the token may travel in the clear, and libcurl
    // honours the proxy variables as it does for every other host.
    const auto proxied = test::cli({"queues", "list", "--allow-http"}, env);
    INFO(proxied.err);
    CHECK(target.log().size() == 1);
    CHECK(proxy.log().size() == 1);
}

TEST_CASE("request safety: ccai-mock routes on the raw path, so %2F and %2e%2e stay inside one id") {
    MockProcess mock({"--rate-limit", "none"});
    auto http = mock.http();
    http->set_url_encode(false);
    const std::string groups = std::string("/agentassist/api/v1/public/") + ccai::mock::testing::kBot + "/skill-groups";

    // Decoded before routing, "a%2Fb" would be two segments and no route; raw, it is the id "a/b".
    auto r = http->Get((groups + "/a%2Fb").c_str(), MockProcess::auth());
    REQUIRE(r);
    CHECK(r->status == 404);
    CHECK(r->body.find("Skill group not found: a/b") != std::string::npos);
    // "%2e%2e" is the id "..", not the parent (which would be the list).
    r = http->Get((groups + "/%2e%2e").c_str(), MockProcess::auth());
    REQUIRE(r);
    CHECK(r->status == 404);
    CHECK(r->body.find("Skill group not found: ..") != std::string::npos);
    // A literal segment is compared as sent.
    r = http->Get((groups.substr(0, groups.size() - 1) + "%73").c_str(), MockProcess::auth());
    REQUIRE(r);
    CHECK(r->status == 404);
    CHECK(r->body.find("no such resource") != std::string::npos);
    // Even a path whose decoded form holds a line break reaches the handler and its log.
    r = http->Get((groups + "/a%0Ab").c_str(), MockProcess::auth());
    REQUIRE(r);
    CHECK(r->status == 404);

    const auto log = mock.log();
    REQUIRE(log.size() == 4);
    CHECK(log[0]["path"] == groups + "/a%2Fb");  // the log shows the path as it arrived
    CHECK(log[0]["op"] == "skill-groups.get");
    CHECK(log[1]["op"] == "skill-groups.get");
    CHECK(log[3]["path"] == groups + "/a%0Ab");

    // Through the CLI: an id holding '/' goes out encoded and arrives as one id.
    const auto dir = test::temp_dir();
    auto out = test::cli({"skill-groups", "get", "--skill-group-id", "x/y"}, test::cli_env(mock, dir));
    CHECK(out.exit_code == 5);
    CHECK(out.err.find("not found: x/y") != std::string::npos);
    CHECK(mock.log().back()["path"] == groups + "/x%2Fy");
}
