// A reader that goes away (`ccai-cli ... | head -1`): ccai-cli is started as a shell starts it, SIGPIPE at
// its default, its stdout a pipe whose read end is already closed. Every output path (a single call, --jq,
// --all, --watch) must stop and exit 1 quietly instead of dying of SIGPIPE (141) or complaining.
#include <doctest/doctest.h>

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include "support/cli_support.hpp"
#include "support/test_files.hpp"

using namespace ccai;
using ccai::test::slurp;
using ccai::mock::testing::MockProcess;

namespace {

struct Ended {
    int code = -1;  ///< 128+N when killed by signal N
    std::string err;
};

// ccai-cli with its stdout on a pipe nobody reads any more, stderr in a file; killed after 20 s.
Ended run_into_closed_pipe(const std::map<std::string, std::string>& env, const std::vector<std::string>& args) {
    const auto err_path = test::temp_dir() + "/err";
    int p[2];
    REQUIRE(::pipe(p) == 0);
    ::close(p[0]);  // the reader is gone before the first byte
    const pid_t pid = ::fork();
    REQUIRE(pid >= 0);
    if (pid == 0) {
        // The test process ignores SIGPIPE (and so would its children): a shell's child has it at default.
        ::signal(SIGPIPE, SIG_DFL);
        ::dup2(p[1], 1);
        const int err = ::open(err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
        ::dup2(err, 2);
        for (const auto& [k, v] : env) ::setenv(k.c_str(), v.c_str(), 1);
        std::vector<std::string> words{test::cli_path()};
        words.insert(words.end(), args.begin(), args.end());
        std::vector<char*> argv;
        for (auto& w : words) argv.push_back(w.data());
        argv.push_back(nullptr);
        ::execv(argv[0], argv.data());
        ::_exit(127);
    }
    ::close(p[1]);
    Ended e;
    int status = 0;
    const bool done = test::wait_for([&] { return ::waitpid(pid, &status, WNOHANG) == pid; }, std::chrono::seconds(20));
    if (!done) {
        ::kill(pid, SIGKILL);
        ::waitpid(pid, &status, 0);
    }
    e.code = WIFSIGNALED(status) ? 128 + WTERMSIG(status) : WEXITSTATUS(status);
    e.err = slurp(err_path);
    return e;
}

long long list_requests(const MockProcess& mock) {
    long long n = 0;
    for (const auto& e : mock.log()) n += e.value("op", "") == "conversations.list";
    return n;
}

}  // namespace

TEST_CASE("closed pipe: a call, --jq, --all and --watch exit 1 quietly, without SIGPIPE, and stop fetching") {
    MockProcess mock({"--rate-limit", "none"});
    auto env = test::cli_env(mock);
    env["CCAI_RATE_LIMIT"] = "6000/1m";  // the watch floor: 0.1 s
    const std::vector<std::vector<std::string>> commands{
        {"conversations", "list"},
        {"-o", "table", "conversations", "list"},
        {"conversations", "list", "--jq", ".results[].id"},
        {"conversations", "list", "--jq", "repeat(1)"},  // never ends on its own
        {"conversations", "list", "--all", "--limit", "1", "-o", "csv"},
        {"conversations", "list", "--all", "--limit", "1", "--jq", ".id"},
        {"conversations", "list", "--watch", "1s"},
        {"conversations", "list", "--watch", "1s", "--jq", ".totalResults"},
    };
    for (const auto& args : commands) {
        std::string words;
        for (const auto& a : args) words += a + " ";
        CAPTURE(words);
        const auto before = list_requests(mock);
        const auto r = run_into_closed_pipe(env, args);
        CHECK(r.code == 1);
        CHECK(r.err == "");
        // --all stops at the first page it could not write: 37 items, one a page, would be 37 requests.
        CHECK(list_requests(mock) - before == 1);
    }
}
