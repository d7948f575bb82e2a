// Many real ccai-cli processes, one account, one file pacer: the mock (20 per rolling 2 s) never rejects.
#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <fstream>
#include <future>
#include <set>

#include "pacer_harness_test.hpp"

using namespace ccai::test;
using namespace ccai::test::pacer_it;

namespace {

// `calls` calls from `n` concurrent processes; every call succeeds, none is rejected, and the whole run
// takes about what the pacing needs: a burst of 2, then one grant per interval (2 s x 1.005 / 20 =
// 100.5 ms); the 21st waits for the window's oldest request, 2 s x (1 + kClockSlew) after its answer, and
// uses up the burst, so one grant per interval follows it.
void run_file_pacer(int n, int calls) {
    MockProcess mock({"--rate-limit", "20/2s", "--count-rejected"});
    const auto dir = temp_dir() + "/pacer";
    const auto start = std::chrono::steady_clock::now();
    auto r = run({"bash", "-c", xargs_command(calls, n, {"--rate-limit", "20/2s", "--pacer", "file", "--pacer-dir", dir})},
                 env_for(mock));
    const double took = seconds_since(start);
    CHECK_MESSAGE(r.exit_code == 0, r.err);
    const auto log = mock.log();
    CHECK(count_status(log, 429) == 0);
    CHECK(count_status(log, 200) == calls);
    const int i = calls - 1;
    const double last_grant = i < 20 ? std::max(0, i - 1) * 0.1005 : 2.001 + (i - 20) * 0.1005;
    CHECK(took >= last_grant - 0.05);
    CHECK(took <= last_grant + 3.0);
}

}  // namespace

TEST_CASE("pacer processes: 1 process, 50 calls, no rejection") { run_file_pacer(1, 50); }
TEST_CASE("pacer processes: 4 processes, 60 calls, no rejection") { run_file_pacer(4, 60); }
TEST_CASE("pacer processes: 16 processes, 80 calls, no rejection") { run_file_pacer(16, 80); }

TEST_CASE("pacer processes: two windows at once (5/1s,12/4s)") {
    MockProcess mock({"--rate-limit", "5/1s,12/4s", "--count-rejected"});
    const auto dir = temp_dir() + "/pacer";
    auto r = run({"bash", "-c", xargs_command(30, 8, {"--rate-limit", "5/1s,12/4s", "--pacer-dir", dir})}, env_for(mock));
    CHECK_MESSAGE(r.exit_code == 0, r.err);
    CHECK(count_status(mock.log(), 429) == 0);
    CHECK(count_status(mock.log(), 200) == 30);
}

TEST_CASE("pacer processes: a SIGKILLed lock holder does not stall the others") {
    MockProcess mock({"--rate-limit", "20/2s"});
    const auto dir = temp_dir() + "/pacer";
    const std::vector<std::string> flags{"--rate-limit", "20/2s", "--pacer-dir", dir};
    auto status_args = flags;
    status_args.insert(status_args.end(), {"-o", "json", "pacer", "status"});
    auto st = cli(status_args, env_for(mock));
    REQUIRE_MESSAGE(st.exit_code == 0, st.err);
    const auto path = nlohmann::json::parse(st.out)["path"].get<std::string>();
    int ready[2];
    REQUIRE(pipe(ready) == 0);
    const pid_t holder = fork();
    if (holder == 0) {  // takes the pacer's lock the way ccai-cli does, then hangs
        const int fd = ::open(path.c_str(), O_RDWR | O_CREAT, 0600);
        struct flock l {};
        l.l_type = F_WRLCK;
        l.l_whence = SEEK_SET;
        if (fd < 0 || fcntl(fd, F_SETLKW, &l) != 0) _exit(1);
        (void)!write(ready[1], "x", 1);
        pause();
        _exit(0);
    }
    char c;
    REQUIRE(read(ready[0], &c, 1) == 1);
    auto call_args = flags;
    call_args.insert(call_args.end(), {"skill-groups", "list"});
    auto blocked = std::async(std::launch::async, [&] { return cli(call_args, env_for(mock)); });
    CHECK(blocked.wait_for(std::chrono::milliseconds(500)) == std::future_status::timeout);  // waiting on the lock
    ::kill(holder, SIGKILL);
    waitpid(holder, nullptr, 0);
    REQUIRE(blocked.wait_for(std::chrono::seconds(10)) == std::future_status::ready);
    auto r = blocked.get();
    CHECK_MESSAGE(r.exit_code == 0, r.err);
    CHECK(count_status(mock.log(), 200) == 1);
}

TEST_CASE("pacer processes: every spelling of the host shares the account's budget; pacer status shows the scope") {
    MockProcess mock({"--rate-limit", "20/2s"});
    const auto dir = temp_dir() + "/pacer";
    const auto base = mock.base();
    std::string upper = base;
    upper.replace(0, 4, "HTTP");
    std::set<std::string> paths, scopes;
    for (const auto& host : {base, base + "/", upper}) {
        auto st = cli({"--host", host, "--pacer-dir", dir, "-o", "json", "pacer", "status"}, env_for(mock));
        REQUIRE_MESSAGE(st.exit_code == 0, st.err);
        const auto j = nlohmann::json::parse(st.out);
        paths.insert(j["path"].get<std::string>());
        scopes.insert(j["scope"].get<std::string>());
    }
    CHECK(paths.size() == 1);
    CHECK(scopes == std::set<std::string>{"account|" + std::string(ccai::mock::testing::kAccount)});
    auto named = cli({"--pacer-scope", "team", "--pacer-dir", dir, "-o", "json", "pacer", "status"}, env_for(mock));
    REQUIRE_MESSAGE(named.exit_code == 0, named.err);
    CHECK(nlohmann::json::parse(named.out)["scope"] == "team");
    CHECK(paths.count(nlohmann::json::parse(named.out)["path"].get<std::string>()) == 0);
}

TEST_CASE("pacer processes: a call from a shell during a batch goes ahead of the batch's queued calls") {
    // 16 batch calls in flight at 10 per 2 s (one interval: 201 ms). Were the batch's calls to reserve their
    // slots as they asked, a call from a shell would queue behind all 16; bulk calls reserve only slots
    // free now, so only the few already on their way go before it.
    MockProcess mock({"--rate-limit", "10/2s", "--count-rejected"});
    const auto dir = temp_dir();
    std::string lines;
    for (int i = 0; i < 40; ++i) lines += R"({"op":"skill-groups.list"})" "\n";
    std::ofstream(dir + "/in.jsonl") << lines;
    auto env = env_for(mock);
    env["CCAI_RATE_LIMIT"] = "10/2s";
    env["CCAI_PACER_DIR"] = dir + "/pacer";
    auto batch = std::async(std::launch::async, [&] {
        return cli({"batch", "--input", dir + "/in.jsonl", "--concurrency", "16"}, env);
    });
    // Past the first window; a batch that ended or a mock that stalled fails here instead of hanging.
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    while (mock.log().size() < 12 && batch.wait_for(std::chrono::milliseconds(20)) != std::future_status::ready &&
           std::chrono::steady_clock::now() < deadline) {
    }
    REQUIRE(mock.log().size() >= 12);
    const auto before = mock.log().size();
    const auto person = cli({"queues", "list"}, env);
    CHECK_MESSAGE(person.exit_code == 0, person.err);
    const auto done = batch.get();
    CHECK_MESSAGE(done.exit_code == 0, done.err);
    const auto log = mock.log();
    CHECK(count_status(log, 429) == 0);
    CHECK(count_status(log, 200) == 41);
    const auto at = std::find_if(log.begin(), log.end(), [](const nlohmann::json& l) {
        return l.value("path", "").find("/queues") != std::string::npos;
    });
    REQUIRE(at != log.end());
    const auto ahead = static_cast<size_t>(at - log.begin()) - before;
    CAPTURE(ahead);
    CHECK(ahead <= 8);
    CHECK(log.end() - at > 15);  // not after the batch: most of it was still to come
}

TEST_CASE("pacer processes: pacer status shows a bulk call waiting in line, and forgets it once its process is killed") {
    MockProcess mock({"--rate-limit", "20/2s"});
    auto env = env_for(mock);
    env["CCAI_PACER_DIR"] = temp_dir() + "/pacer";
    env["CCAI_RATE_LIMIT"] = "1/30s";
    env["CCAI_BULK_MIN_SHARE"] = "0";  // else the bulk call, below its share, would reserve instead of waiting
    const auto first = cli({"queues", "list"}, env);  // the window's only slot
    REQUIRE_MESSAGE(first.exit_code == 0, first.err);
    Background waiting({cli_path(), "--priority", "bulk", "queues", "list"}, env, false);
    const auto bulk_line = [&] {
        const auto st = cli({"-o", "json", "pacer", "status"}, env);
        REQUIRE_MESSAGE(st.exit_code == 0, st.err);
        return nlohmann::json::parse(st.out)["waiting"]["bulk"];
    };
    nlohmann::json line;
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while ((line = bulk_line())["count"] != 1 && std::chrono::steady_clock::now() < deadline)
        std::this_thread::sleep_for(std::chrono::milliseconds(25));
    CHECK(line["count"] == 1);
    CHECK(line["pids"] == nlohmann::json::array({waiting.pid()}));
    const auto text = cli({"-o", "text", "pacer", "status"}, env);
    CHECK(text.out.find("interactive\t0\t0\t\n") != std::string::npos);
    CHECK(text.out.find("bulk\t1\t") != std::string::npos);
    CHECK(text.out.find("\t" + std::to_string(waiting.pid()) + "\n") != std::string::npos);
    waiting.kill(SIGKILL);
    CHECK(bulk_line()["count"] == 0);  // its process is gone: out of the line at once, not when it expires
    CHECK(count_status(mock.log(), 200) == 1);
}
