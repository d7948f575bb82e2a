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

#include "cli_support.hpp"

using namespace ccai;
using ccai::mock::testing::call;
using ccai::mock::testing::json;
using ccai::mock::testing::MockProcess;

namespace {

nlohmann::json error_of(const test::RunResult& r) {
    const auto at = r.err.find("{\"error\"");
    if (at == std::string::npos) return nullptr;
    const auto end = r.err.find('\n', at);
    const auto j = nlohmann::json::parse(r.err.substr(at, end == std::string::npos ? std::string::npos : end - at),
                                         nullptr, false);
    return j.is_object() && j.contains("error") ? j["error"] : nlohmann::json();
}

void expect_rejected(const test::RunResult& r, int code, const std::string& mentions) {
    INFO("stderr: " << r.err);
    INFO("stdout: " << r.out);
    CHECK(r.exit_code == code);
    const auto e = error_of(r);
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

std::string write_file(const std::string& path, const std::string& text) {
    std::ofstream(path, std::ios::binary) << text;
    return path;
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
    expect_rejected(test::cli({"batch", "--input", batch_input, "--results", dir + "/out.jsonl"}, env), 2, "--skill-id");
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
    expect_rejected(test::cli({"api", "GET", "/agentassist/api/v1/public/{botId}/skill-groups"}, bad_env), 3, "{botId}");

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
