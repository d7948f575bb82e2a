// Setting values are checked with their ranges before any request, from a flag (exit 2), the environment or
// config.toml (exit 3) alike; the message names the setting, the value, where it came from and what is
// accepted. Nothing reaches the mock and nothing is written. Sub-second timeouts work.
#include <doctest/doctest.h>
#include <sys/stat.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "support/cli_support.hpp"

using namespace ccai;
using ccai::mock::testing::MockProcess;

namespace {

struct BadValue {
    const char* key;
    const char* value;
    const char* toml;      // the same value as config.toml writes it
    const char* accepts;   // part of the message saying what is accepted
    bool has_flag = true;  // -o is checked by the flag parser itself (exit 2, its own message)
};

// The values once accepted and sent, then one or more for every other checked setting.
const BadValue kBad[] = {
    {"timeout", "abc", R"("abc")", "from 0.001 to 86400"},
    {"timeout", "-1", "-1", "seconds"},
    {"timeout", "0", "0", "seconds"},
    {"timeout", "nan", "nan", "seconds"},
    {"max_attempts", "0", "0", "from 1 to 100"},
    {"max_attempts", "-1", "-1", "whole number"},
    {"max_attempts", "abc", R"("abc")", "whole number"},
    {"max_attempts", "2.5", "2.5", "whole number"},
    {"max_wait", "nan", "nan", "seconds"},
    {"connect_timeout", "-5", "-5", "seconds"},
    {"jwt_ttl", "-100", "-100", "from 120 to 86400"},
    {"jwt_jti", "maybe", R"("maybe")", "true or false"},
    {"pacer_fallback", "bogus", R"("bogus")", "one of file"},
    {"compression", "zip", R"("zip")", "gzip, none"},
    {"pacer", "disk", R"("disk")", "file, memory or redis://"},
    {"pacer_margin", "lots", R"("lots")", "percentage"},
    {"burst", "0", "0", "from 1 to 10000"},
    {"bulk_min_share", "60%", R"("60%")", "from 0% to 50%"},
    {"bulk_min_share", "nan", "nan", "percentage"},
    {"max_penalty", "0", "0", "from 1 to 86400"},
    {"rate_limit", "fast", R"("fast")", "60/1m"},
    {"allow_http", "yes", R"("yes")", "true or false"},
    {"pacer_dir_shared", "1", "1", "true or false"},
    {"ca_bundle", "/nonexistent/ca.pem", R"("/nonexistent/ca.pem")", "no such file"},
    {"output", "xml", R"("xml")", "json, jsonl, csv, yaml, table, text", false},
};

std::string env_name(const std::string& key) {
    std::string out = "CCAI_";
    for (char c : key) out += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    return out;
}

std::string flag_name(std::string key) {
    std::replace(key.begin(), key.end(), '_', '-');
    return "--" + key;
}

std::string snapshot(const std::string& dir) {  // every file under dir with its content
    std::ostringstream s;
    if (!std::filesystem::exists(dir)) return "(none)";
    for (const auto& e : std::filesystem::recursive_directory_iterator(dir)) {
        s << e.path().string() << "\n";
        if (e.is_regular_file()) s << std::ifstream(e.path()).rdbuf() << "\n";
    }
    return s.str();
}

void expect_refused(const test::RunResult& r, int code, const BadValue& c, const std::string& origin) {
    INFO("stderr: " << r.err);
    CHECK(r.exit_code == code);
    CHECK(r.out.empty());
    const auto error = nlohmann::json::parse(r.err, nullptr, false);
    REQUIRE(error.is_object());
    CHECK(error["error"]["exit_code"] == code);
    const auto message = error["error"]["message"].get<std::string>();
    CHECK(message.find(std::string(c.key) + " '" + c.value + "'") != std::string::npos);
    CHECK(message.find(origin) != std::string::npos);
    CHECK(message.find(c.accepts) != std::string::npos);
}

}  // namespace

TEST_CASE("safety settings: a bad value from a flag, the environment or config.toml sends nothing") {
    MockProcess mock({"--rate-limit", "none"});
    const auto dir = test::temp_dir();
    auto env = test::cli_env(mock, dir);
    env["CCAI_PACER"] = "";  // the file pacer: a request would have written its state under XDG_STATE_HOME
    const auto config_dir = dir + "/ccai";
    ::mkdir(config_dir.c_str(), 0700);
    const auto state_dir = dir + "/state";

    for (const auto& c : kBad) {
        const std::string key = c.key, value = c.value;
        CAPTURE(key);
        CAPTURE(value);
        // '=' keeps a value such as -1 a value, not a flag.
        if (c.has_flag)
            expect_refused(test::cli({"queues", "list", flag_name(c.key) + "=" + c.value}, env), 2, c, flag_name(c.key));

        auto with_env = env;
        with_env[env_name(c.key)] = c.value;
        expect_refused(test::cli({"queues", "list"}, with_env), 3, c, "env " + env_name(c.key));

        std::ofstream(config_dir + "/config.toml", std::ios::trunc) << "[default]\n" << c.key << " = " << c.toml << "\n";
        auto from_profile = env;
        from_profile[env_name(c.key)] = "";  // the environment would win over the profile (cli_env sets some)
        const auto before = snapshot(dir);
        expect_refused(test::cli({"queues", "list"}, from_profile), 3, c, "profile [default] (" + config_dir + "/config.toml)");
        CHECK(snapshot(dir) == before);
        ::unlink((config_dir + "/config.toml").c_str());
    }
    // --dry-run sends nothing anyway, but it too refuses what a call would.
    auto dry = env;
    dry["CCAI_TIMEOUT"] = "abc";
    expect_refused(test::cli({"skill-groups", "create", "--set", "name=x", "--dry-run"}, dry), 3, kBad[0], "env CCAI_TIMEOUT");
    const auto output_flag = test::cli({"queues", "list", "-o", "xml"}, env);
    CHECK(output_flag.exit_code == 2);
    CHECK(output_flag.err.find("xml") != std::string::npos);
    CHECK(mock.log().empty());
    CHECK_FALSE(std::filesystem::exists(state_dir));

    // The same values, well formed, are used: the call goes out.
    const auto ok = test::cli({"queues", "list", "--timeout", "2.5", "--connect-timeout", "0.5", "--max-attempts", "2",
                               "--max-wait", "0", "--jwt-ttl", "120", "--jwt-jti", "true", "--pacer-margin", "1%"},
                              env);
    CHECK_MESSAGE(ok.exit_code == 0, ok.err);
    CHECK(mock.log().size() == 1);
}

TEST_CASE("safety settings: a sub-second timeout ends the call in time") {
    MockProcess slow({"--rate-limit", "none", "--latency", "3000"});
    auto env = test::cli_env(slow);
    for (const auto& [args, variable] : std::vector<std::pair<std::vector<std::string>, std::string>>{
             {{"queues", "list", "--timeout", "0.5"}, ""}, {{"queues", "list"}, "0.5"}}) {
        auto e = env;
        if (!variable.empty()) e["CCAI_TIMEOUT"] = variable;
        const auto start = std::chrono::steady_clock::now();
        const auto r = test::cli(args, e);
        const auto took = std::chrono::steady_clock::now() - start;
        INFO(r.err);
        CHECK(r.exit_code == 9);  // network: the timeout
        CHECK(r.err.find("imeout") != std::string::npos);
        // Ignored, the timeout would be the default 60 s and the call would wait for the answer (3 s).
        CHECK(took < std::chrono::milliseconds(2500));
    }

    MockProcess fast({"--rate-limit", "none"});
    const auto ok = test::cli({"queues", "list", "--timeout", "0.5"}, test::cli_env(fast));
    CHECK_MESSAGE(ok.exit_code == 0, ok.err);
    CHECK(fast.log().size() == 1);
}
