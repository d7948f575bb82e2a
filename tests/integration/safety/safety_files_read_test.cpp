// The files and inputs ccai-cli reads: config and credentials only as regular files (a credentials file only
// when it is the user's own and private), no unknown keys, no input that hangs an open, no JSON nested past
// 512 levels, no batch line over 1 MiB or holding a NUL, no body or answer over 64 MiB. Each refusal is a
// clear error before any request, and no file changes. A hang fails the test through a time limit.
#include <doctest/doctest.h>
#include <dirent.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <sstream>
#include <thread>

#include "support/cli_support.hpp"
#include "support/test_files.hpp"

using namespace ccai;
using ccai::test::write_file;
using ccai::mock::testing::MockProcess;

namespace {

constexpr std::chrono::seconds kLimit{30};  // far beyond a run's time; only a hang reaches it

void expect_refused(const test::RunResult& r, int code, const std::string& mentions) {
    INFO("stderr: " << r.err.substr(0, 2000));
    INFO("stdout: " << r.out.substr(0, 2000));
    REQUIRE_FALSE(r.timed_out);
    CHECK(r.exit_code == code);
    const auto e = test::error_of(r);
    REQUIRE(e.is_object());
    CHECK(e["exit_code"] == code);
    CHECK(e["message"].get<std::string>().find(mentions) != std::string::npos);
    CHECK(r.out.empty());
}

// Everything under a directory: type, inode, size, mode, owner and content (symlinks not followed).
std::map<std::string, std::string> snapshot(const std::string& dir) {
    std::map<std::string, std::string> out;
    DIR* d = ::opendir(dir.c_str());
    if (!d) return out;
    while (const dirent* e = ::readdir(d)) {
        const std::string name = e->d_name;
        if (name == "." || name == "..") continue;
        const std::string path = dir + "/" + name;
        struct stat st{};
        ::lstat(path.c_str(), &st);
        std::ostringstream s;
        s << st.st_mode << ' ' << st.st_ino << ' ' << st.st_size << ' ' << st.st_uid << ' ' << st.st_nlink;
        if (S_ISREG(st.st_mode)) s << ' ' << std::ifstream(path, std::ios::binary).rdbuf();
        out[path] = s.str();
        if (S_ISDIR(st.st_mode))
            for (auto& [k, v] : snapshot(path)) out[k] = v;
    }
    ::closedir(d);
    return out;
}

// Runs a bash command line with $CLI set to ccai-cli (for process substitution and pipes).
test::RunResult bash(const std::string& script, std::map<std::string, std::string> env) {
    env["CLI"] = ccai::test::cli_path();
    return test::run_for(kLimit, {"bash", "-c", script}, env);
}

struct Setup {
    MockProcess mock{{"--rate-limit", "none"}};
    std::string home = test::temp_dir();
    std::string conf = home + "/ccai";
    std::map<std::string, std::string> env = test::cli_env(mock, home);
    Setup() { ::mkdir(conf.c_str(), 0700); }
};

}  // namespace

TEST_CASE("safety read: config.toml or credentials as a FIFO, a directory or a device is exit 3 at once, not a hang") {
    Setup s;
    struct Case {
        std::string name;
        std::function<void(const std::string&)> make;
        std::string says;
    };
    const std::vector<Case> cases{
        {"config.toml", [](const std::string& p) { REQUIRE(::mkfifo(p.c_str(), 0600) == 0); }, "is a FIFO"},
        {"credentials", [](const std::string& p) { REQUIRE(::mkfifo(p.c_str(), 0600) == 0); }, "is a FIFO"},
        {"config.toml", [](const std::string& p) { REQUIRE(::mkdir(p.c_str(), 0700) == 0); }, "is a directory"},
        {"credentials", [](const std::string& p) { REQUIRE(::symlink("/dev/zero", p.c_str()) == 0); }, "is a device"},
    };
    for (const auto& c : cases) {
        CAPTURE(c.name);
        CAPTURE(c.says);
        const auto path = s.conf + "/" + c.name;
        c.make(path);
        const auto before = snapshot(s.home);
        expect_refused(test::cli_for(kLimit, {"queues", "list"}, s.env), 3, path + " " + c.says + ": it must be a regular file");
        CHECK(snapshot(s.home) == before);
        ::unlink(path.c_str());
        ::rmdir(path.c_str());
    }
    CHECK(s.mock.log().empty());
}

TEST_CASE("safety read: a credentials file owned by another user is exit 3 (root only)") {
    if (::geteuid() != 0) {
        MESSAGE("skipped: making a file another user's needs root");
        return;
    }
    Setup s;
    s.env.erase("CCAI_CLIENT_SECRET");
    const auto creds = s.conf + "/credentials";
    write_file(creds, "[default]\nclient_secret = \"mock-secret\"\n", 0600);
    REQUIRE(::chown(creds.c_str(), 65534, 65534) == 0);
    const auto before = snapshot(s.home);
    const auto r = test::cli_for(kLimit, {"queues", "list"}, s.env);
    expect_refused(r, 3, "is owned by uid 65534, not by you");
    CHECK(r.err.find("mock-secret") == std::string::npos);
    CHECK(snapshot(s.home) == before);
    CHECK(s.mock.log().empty());

    // The same file, the user's own: read, and the call goes out.
    REQUIRE(::chown(creds.c_str(), 0, 0) == 0);
    CHECK(test::cli_for(kLimit, {"queues", "list"}, s.env).exit_code == 0);
    CHECK(s.mock.log().size() == 1);
}

TEST_CASE("safety read: an unknown key in any profile is exit 3 naming file, line and profile, with a suggestion") {
    Setup s;
    const auto config = s.conf + "/config.toml";
    write_file(config, "[default]\nrate_limit = \"100000/1m\"\ntimout = 5\n", 0644);
    auto before = snapshot(s.home);
    expect_refused(test::cli_for(kLimit, {"queues", "list"}, s.env), 3,
                   config + ":3: unknown key 'timout' in [default]; did you mean timeout?");
    CHECK(snapshot(s.home) == before);

    // A typo in a profile nobody selected yet is found now, not when someone selects it.
    write_file(config, "[default]\nrate_limit = \"100000/1m\"\n\n[prod]\nhost = \"https://prod\"\npacer_dri = \"/tmp\"\n", 0644);
    before = snapshot(s.home);
    expect_refused(test::cli_for(kLimit, {"queues", "list"}, s.env), 3,
                   config + ":6: unknown key 'pacer_dri' in [prod]; did you mean pacer_dir?");
    CHECK(snapshot(s.home) == before);

    write_file(s.conf + "/credentials", "[default]\nclient_secert = \"x\"\n", 0600);
    write_file(config, "[default]\n", 0644);
    expect_refused(test::cli_for(kLimit, {"queues", "list"}, s.env), 3, "did you mean client_secret?");
    CHECK(s.mock.log().empty());
}

TEST_CASE("safety read: --body from a FIFO with no writer, a directory or a device is exit 2, not a hang") {
    Setup s;
    const auto fifo = s.home + "/body.fifo";
    REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
    const auto before = snapshot(s.home);
    expect_refused(test::cli_for(kLimit, {"skill-groups", "create", "--body", "@" + fifo}, s.env), 2, "a FIFO that no program was writing to");
    expect_refused(test::cli_for(kLimit, {"skill-groups", "create", "--body", "@" + s.conf}, s.env), 2, "is a directory");
    expect_refused(test::cli_for(kLimit, {"skill-groups", "create", "--body", "@/dev/zero"}, s.env), 2,
                   "--body @/dev/zero: is a device, not a file or a pipe");
    // stdin that never ends stops at 64 MiB.
    const auto endless = bash("cat /dev/zero | \"$CLI\" skill-groups create --body @-", s.env);
    expect_refused(endless, 2, "--body @- (stdin): larger than 64 MiB, the most it may hold");
    CHECK(snapshot(s.home) == before);
    CHECK(s.mock.log().empty());
}

TEST_CASE("safety read: --body @<(command), --body @- and batch --input <(command) still work through pipes") {
    Setup s;
    auto r = bash("\"$CLI\" skill-groups create --body @<(echo '{\"name\":\"from-a-pipe\"}')", s.env);
    INFO(r.err);
    CHECK(r.exit_code == 0);
    r = test::cli_for(kLimit, {"skill-groups", "create", "--body", "@-"}, s.env, R"({"name":"from-stdin"})");
    CHECK(r.exit_code == 0);
    r = bash("\"$CLI\" batch --input <(printf '%s\\n' '{\"op\":\"skill-groups.create\",\"body\":{\"name\":\"batch-1\"}}' "
             "'{\"op\":\"skill-groups.create\",\"body\":{\"name\":\"batch-2\"}}')", s.env);
    CHECK(r.exit_code == 0);
    CHECK(r.out.find(R"("outcome":"ok")") != std::string::npos);
    long posts = 0;
    for (const auto& entry : s.mock.log()) posts += entry.value("method", "") == "POST";
    CHECK(posts == 4);
    const auto list = test::cli_for(kLimit, {"skill-groups", "list", "-o", "jsonl"}, s.env);
    for (const char* name : {"from-a-pipe", "from-stdin", "batch-1", "batch-2"}) {
        CAPTURE(name);
        CHECK(list.out.find(name) != std::string::npos);
    }
}

TEST_CASE("safety read: JSON nested past 512 levels in --body, --set or a batch line is exit 2 and sends nothing") {
    Setup s;
    const std::string deep(100000, '[');
    const auto body_file = s.home + "/deep.json";
    write_file(body_file, "{\"name\":\n" + deep, 0600);
    const auto batch_file = s.home + "/deep.jsonl";
    write_file(batch_file, R"({"op":"skill-groups.create","body":{"name":"fine"}})" "\n"
                           R"({"op":"skill-groups.create","body":{"name":)" + deep + "}}\n", 0600);
    const auto before = snapshot(s.home);
    expect_refused(test::cli_for(kLimit, {"skill-groups", "create", "--body", deep}, s.env), 2,
                   "--body: JSON nested deeper than 512 levels at line 1, column 513");
    expect_refused(test::cli_for(kLimit, {"skill-groups", "create", "--body", "@" + body_file}, s.env), 2,
                   "JSON nested deeper than 512 levels at line 2, column 512");  // the object is level 1
    expect_refused(test::cli_for(kLimit, {"api", "POST", "/x", "--body", deep}, s.env), 2, "nested deeper than 512 levels");
    expect_refused(test::cli_for(kLimit, {"skill-groups", "create", "--set-json", "name=" + deep}, s.env), 2,
                   "--set-json name: JSON nested deeper than 512 levels");
    // --set reads a value as JSON only for a field the catalog does not type.
    expect_refused(test::cli_for(kLimit, {"skill-groups", "create", "--allow-unknown-fields", "--set", "extra=" + deep}, s.env), 2,
                   "--set extra: JSON nested deeper than 512 levels");
    const auto r = test::cli_for(kLimit, {"batch", "--input", batch_file}, s.env);
    expect_refused(r, 2, "JSON nested deeper than 512 levels");
    CHECK(test::error_of(r)["first_line"] == 2);
    CHECK(snapshot(s.home) == before);
    CHECK(s.mock.log().empty());
}

TEST_CASE("safety read: batch lines over 1 MiB, holding a NUL or nested too deep are invalid lines; the rest go on") {
    Setup s;
    const auto input = s.home + "/in.jsonl";
    const std::string ok1 = R"({"op":"skill-groups.create","body":{"name":"one"}})";
    const std::string ok2 = R"({"op":"skill-groups.create","body":{"name":"two"}})";
    const std::string text = ok1 + "\n" + R"({"op":"skill-groups.create","body":{"name":")" + std::string(2 << 20, 'x') + "\"}}\n" +
                             R"({"op":"skill-groups.create","body":{"name":"n)" + std::string(1, '\0') + "l\"}}\n" +
                             std::string(600, '[') + "\n" + ok2 + "\n";
    write_file(input, text, 0600);
    auto before = snapshot(s.home);

    // Without --skip-invalid: each problem reported with its lines, nothing sent.
    auto r = test::cli_for(kLimit, {"batch", "--input", input}, s.env);
    expect_refused(r, 2, "longer than 1048576 bytes, the most a batch line may hold");
    CHECK(r.err.find(R"("first_line":2)") != std::string::npos);
    CHECK(r.err.find("the line holds a NUL byte") != std::string::npos);
    CHECK(r.err.find(R"("first_line":3)") != std::string::npos);
    CHECK(r.err.find("JSON nested deeper than 512 levels") != std::string::npos);
    CHECK(r.err.find(R"("first_line":4)") != std::string::npos);
    CHECK(snapshot(s.home) == before);
    CHECK(s.mock.log().empty());

    // With --skip-invalid: they are recorded as invalid and the two good lines are sent.
    r = test::cli_for(kLimit, {"batch", "--input", input, "--skip-invalid"}, s.env);
    CHECK_FALSE(r.timed_out);
    CHECK(r.exit_code == 10);
    CHECK(s.mock.log().size() == 2);
    std::istringstream records(r.out);
    std::map<long long, std::string> outcome;
    for (std::string line; std::getline(records, line);) {
        const auto j = nlohmann::json::parse(line);
        outcome[j["line"].get<long long>()] = j["outcome"].get<std::string>();
    }
    CHECK(outcome == std::map<long long, std::string>{{1, "ok"}, {2, "invalid"}, {3, "invalid"}, {4, "invalid"}, {5, "ok"}});
    std::ostringstream after;
    after << std::ifstream(input, std::ios::binary).rdbuf();
    CHECK(after.str() == text);
}

TEST_CASE("safety read: batch --input /dev/zero, a directory or a FIFO with no writer ends at once, sending nothing") {
    Setup s;
    const auto fifo = s.home + "/in.fifo";
    REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
    const auto before = snapshot(s.home);
    expect_refused(test::cli_for(kLimit, {"batch", "--input", "/dev/zero"}, s.env), 2, "/dev/zero: is a device, not a file or a pipe");
    expect_refused(test::cli_for(kLimit, {"batch", "--input", s.conf, "--op", "agents.create"}, s.env), 2, "is a directory");
    // Nobody writes to the FIFO: an empty input, done at once.
    const auto r = test::cli_for(kLimit, {"batch", "--input", fifo}, s.env);
    CHECK_FALSE(r.timed_out);
    CHECK(r.exit_code == 0);
    CHECK(snapshot(s.home) == before);
    CHECK(s.mock.log().empty());
}

TEST_CASE("safety read: a hostile server's deep, huge or compressed-huge answer ends the call with an error, not a crash") {
    const std::string deep(100000, '[');
    const std::string huge((std::size_t{64} << 20) + 1, ' ');
    const auto work = test::temp_dir();
    // 70 MiB of zeros, gzip'd to ~70 KiB: only the decoded size tells.
    const auto gz = test::run({"sh", "-c", "head -c 73400320 /dev/zero | gzip -1 -c"});
    REQUIRE(gz.exit_code == 0);
    httplib::Server server;
    server.Get("/deep", [&](const httplib::Request&, httplib::Response& res) { res.set_content(deep, "application/json"); });
    server.Get("/deep-error", [&](const httplib::Request&, httplib::Response& res) {
        res.status = 400;
        res.set_content(R"({"errors":[{"msg":"bad","code":)" + deep + "}]}", "application/json");
    });
    server.Get("/huge", [&](const httplib::Request&, httplib::Response& res) { res.set_content(huge, "application/json"); });
    server.Get("/huge-chunked", [&](const httplib::Request&, httplib::Response& res) {
        res.set_chunked_content_provider("application/json", [&](size_t offset, httplib::DataSink& sink) {
            if (offset >= huge.size()) return sink.done(), true;
            return sink.write(huge.data() + offset, std::min<size_t>(1 << 20, huge.size() - offset));
        });
    });
    server.Get("/bomb", [&](const httplib::Request&, httplib::Response& res) {
        res.set_header("Content-Encoding", "gzip");
        res.set_content(gz.out, "application/json");
    });
    server.Get(".*", [&](const httplib::Request&, httplib::Response& res) { res.set_content(deep, "application/json"); });
    const int port = server.bind_to_any_port("127.0.0.1");
    std::thread t([&] { server.listen_after_bind(); });
    auto env = test::cli_env("http://127.0.0.1:" + std::to_string(port), work);
    const auto before = snapshot(work);

    expect_refused(test::cli_for(kLimit, {"api", "GET", "/deep"}, env), 1, "the response body is JSON nested deeper than 512 levels");
    const auto e = test::cli_for(kLimit, {"api", "GET", "/deep-error"}, env);
    expect_refused(e, 6, "HTTP 400");
    for (const char* path : {"/huge", "/huge-chunked", "/bomb"}) {
        CAPTURE(path);
        expect_refused(test::cli_for(kLimit, {"api", "GET", path}, env), 9,
                       "the response body is larger than 64 MiB, the most a response may hold");
    }
    // In a batch (the catalog's path, answered by the catch-all): the line fails, the run ends normally.
    const auto batch = bash("\"$CLI\" batch --input <(echo '{\"op\":\"queues.list\"}')", env);
    CHECK_FALSE(batch.timed_out);
    CHECK(batch.exit_code == 10);
    CHECK(batch.out.find(R"("outcome":"failed")") != std::string::npos);
    CHECK(batch.out.find("nested deeper than 512 levels") != std::string::npos);
    CHECK(snapshot(work) == before);
    server.stop();
    t.join();
}
