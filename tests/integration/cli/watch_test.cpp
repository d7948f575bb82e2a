// `--watch` against ccai-mock, stopped the way a person stops it: SIGINT. It exits 0 with one timestamped
// line per change (or per poll with --every), and each poll is one request.
#include <doctest/doctest.h>

#include <csignal>
#include <fstream>
#include <regex>
#include <sstream>
#include <thread>

#include "support/cli_support.hpp"
#include "support/pseudo_terminal.hpp"
#include "support/test_files.hpp"

using namespace ccai;
using ccai::test::slurp;
using ccai::mock::testing::call;
using ccai::mock::testing::MockProcess;
using ccai::test::exit_code_of;
using ccai::test::wait_for;
using nlohmann::json;

namespace {

std::vector<std::string> lines_of(const std::string& text) {
    std::vector<std::string> out;
    std::istringstream in(text);
    for (std::string l; std::getline(in, l);) out.push_back(l);
    return out;
}

long long requests_for(const MockProcess& mock, const std::string& op) {
    long long n = 0;
    for (const auto& e : mock.log()) n += e.value("op", "") == op;
    return n;
}

// ccai-cli in the background, its stdout and stderr in files (Background reads no more than a first line).
struct Watch {
    std::string dir = test::temp_dir();
    std::string out = dir + "/out", err = dir + "/err";
    test::Background process;

    Watch(const std::map<std::string, std::string>& env, std::vector<std::string> args)
        : process(argv(args), env, false) {}

    std::vector<std::string> argv(std::vector<std::string> args) const {
        std::vector<std::string> v{"/bin/sh", "-c", "exec \"$0\" \"$@\" >'" + out + "' 2>'" + err + "'", test::cli_path()};
        v.insert(v.end(), args.begin(), args.end());
        return v;
    }
    std::vector<std::string> lines() const { return lines_of(slurp(out)); }
    // Ctrl-C: the exit code, once it has exited (-1 if it has not within 5 s).
    int interrupt() {
        ::kill(process.pid(), SIGINT);
        const int code = exit_code_of(process, std::chrono::seconds(5));
        process.kill(SIGKILL);  // reaps the exited process
        return code;
    }
};

const std::regex kStamp(R"(^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ )");

}  // namespace

TEST_CASE("--watch --every: a line per poll until SIGINT, then exit 0 with nothing on stderr") {
    MockProcess mock({"--rate-limit", "none"});
    auto env = test::cli_env(mock);  // 100000/1m: a floor far below the interval asked for
    Watch w(env, {"conversations", "list", "--limit", "1", "--watch", "0.2s", "--every", "--jq", ".totalResults"});
    REQUIRE(wait_for([&] { return w.lines().size() >= 3; }, std::chrono::seconds(10)));
    CHECK(w.interrupt() == 0);
    const auto lines = w.lines();
    for (const auto& l : lines) {
        CAPTURE(l);
        CHECK(std::regex_search(l, kStamp));
        CHECK(l.substr(21) == "37");
    }
    CHECK(slurp(w.err).empty());
    // Each poll is one request; a request on the wire when Ctrl-C came is finished, not printed.
    const auto sent = requests_for(mock, "conversations.list");
    CHECK(sent >= static_cast<long long>(lines.size()));
    CHECK(sent <= static_cast<long long>(lines.size()) + 1);
}

TEST_CASE("--watch: a line only when the answer changes; an interval below the floor is raised, with a notice") {
    MockProcess mock({"--rate-limit", "none"});
    auto env = test::cli_env(mock);
    env["CCAI_RATE_LIMIT"] = "600/1m";  // the pacer's interval 0.1005 s (0.5% margin): the floor is 1.005 s
    const auto start = std::chrono::steady_clock::now();
    Watch w(env, {"skill-groups", "list", "--watch", "0.2s", "--jq", "[.results[].name]"});
    REQUIRE(wait_for([&] { return w.lines().size() == 1; }, std::chrono::seconds(10)));
    auto sdk = mock.sdk();
    REQUIRE(call(*sdk, "skill-groups.create", {}, json{{"name", "Billing"}}).ok());
    REQUIRE(wait_for([&] { return w.lines().size() == 2; }, std::chrono::seconds(10)));
    std::this_thread::sleep_for(std::chrono::milliseconds(2500));  // two more polls, the same answer: no line
    const auto seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    CHECK(w.interrupt() == 0);
    const auto lines = w.lines();
    REQUIRE(lines.size() == 2);
    CHECK(std::regex_search(lines[0], kStamp));
    CHECK(lines[0].substr(21) == "[]");
    CHECK(lines[1].substr(21) == R"(["Billing"])");
    CHECK(slurp(w.err) ==
          "notice: --watch 0.2s is below this account's floor of 1.005s (one watch takes at most a tenth of the rate "
          "limit): polling every 1.005s\n");
    // About one poll a second, not five: at least 2 after the change, and never the 0.2 s asked for.
    const auto polls = requests_for(mock, "skill-groups.list");
    CAPTURE(seconds);
    CHECK(polls >= 4);
    CHECK(static_cast<double>(polls) <= seconds + 2);
}

TEST_CASE("--watch: refused on an operation that changes data, and with --all (exit 2, nothing sent)") {
    MockProcess mock({"--rate-limit", "none"});
    auto env = test::cli_env(mock);
    env["CCAI_ERROR_FORMAT"] = "";
    const auto refused = [&](const std::vector<std::string>& args, const std::string& message, const std::string& hint) {
        const auto piped = test::cli(args, env);
        CHECK(piped.exit_code == 2);
        CHECK(piped.out.empty());
        CHECK(piped.err == json{{"error", {{"kind", "invalid_input"}, {"message", message}, {"exit_code", 2}}}}.dump() + "\n");
        const auto at_terminal = test::cli_on_terminal(args, env);
        CHECK(at_terminal.exit_code == 2);
        CHECK(at_terminal.out.empty());
        CHECK(at_terminal.err == "error: " + message + "\nhint: " + hint + "\n");
    };
    refused({"skill-groups", "create", "--set", "name=x", "--watch", "10s"},
            "--watch polls read-only operations; 'skill-groups create' changes data",
            "watch what it changed with a read-only action of skill-groups: list, get (e.g. 'ccai-cli skill-groups list "
            "--watch 30s')");
    refused({"skill-groups", "delete", "--skill-group-id", "sg-1", "--every"},
            "--every goes with --watch, which polls read-only operations; 'skill-groups delete' changes data",
            "watch what it changed with a read-only action of skill-groups: list, get (e.g. 'ccai-cli skill-groups list "
            "--watch 30s')");
    refused({"dialout", "call", "--watch=1m"}, "--watch polls read-only operations; 'dialout call' changes data",
            "run 'dialout call' once; dialout has no read-only action to watch");
    // Another unknown flag keeps the parser's message.
    CHECK(test::error_of(test::cli({"skill-groups", "create", "--wach", "10s"}, env))["message"] ==
          "unknown flag '--wach' for skill-groups create; did you mean '--cache'?");
    const auto both = test::cli({"conversations", "list", "--all", "--watch", "10s"}, env);
    CHECK(both.exit_code == 2);
    CHECK(test::error_of(both)["message"] == "--watch repeats one call: it does not combine with --all");
    CHECK(mock.log().empty());
}

TEST_CASE("--watch: Ctrl-C with a request on the wire waits for its answer and exits 0; a second Ctrl-C kills") {
    MockProcess slow({"--rate-limit", "none", "--latency", "1500"});
    auto env = test::cli_env(slow);
    {
        Watch w(env, {"conversations", "list", "--watch", "10s"});
        std::this_thread::sleep_for(std::chrono::milliseconds(500));  // its first request is on the wire
        const auto start = std::chrono::steady_clock::now();
        CHECK(w.interrupt() == 0);
        CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(3));
        CHECK(w.lines().empty());  // the answer that came after Ctrl-C is not printed
        CHECK(slurp(w.err).empty());
    }
    {
        Watch w(env, {"conversations", "list", "--watch", "10s"});
        std::this_thread::sleep_for(std::chrono::milliseconds(500));
        ::kill(w.process.pid(), SIGINT);
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
        const auto start = std::chrono::steady_clock::now();
        CHECK(w.interrupt() == 128 + SIGINT);  // the second one: killed, not waiting for the answer
        CHECK(std::chrono::steady_clock::now() - start < std::chrono::milliseconds(800));
    }
}
