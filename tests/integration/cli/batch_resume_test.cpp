// Kill -9 a running batch at random moments, resume until done: no line lost, no create sent twice, and the
// results file holds exactly one final record per line.
#include <doctest/doctest.h>
#include <sys/wait.h>

#include <chrono>
#include <csignal>
#include <fstream>
#include <functional>
#include <map>
#include <random>
#include <set>
#include <thread>

#include "support/cli_support.hpp"
#include "support/test_files.hpp"

using namespace ccai;
using ccai::test::json_lines;
using ccai::test::slurp;
using ccai::mock::testing::MockProcess;
using ccai::test::exit_code_of;
using ccai::test::wait_for;
using nlohmann::json;

namespace {

std::vector<std::string> batch_argv(const std::string& input, const std::string& results, bool resume = true) {
    std::vector<std::string> argv{ccai::test::cli_path(), "batch", "--input", input, "--results", results, "--concurrency", "4"};
    if (resume) argv.push_back("--resume");
    return argv;
}

// `lines` create lines, each making a skill group named g<line>.
std::string write_creates(const std::string& dir, int lines) {
    const auto input = dir + "/in.jsonl";
    std::ofstream out(input);
    for (int i = 1; i <= lines; ++i)
        out << json{{"op", "skill-groups.create"}, {"body", {{"name", "g" + std::to_string(i)}}}}.dump() << "\n";
    return input;
}

// The names of every skill group the mock holds (a multiset: a duplicate create shows up twice).
std::multiset<std::string> group_names(const MockProcess& mock) {
    auto list = test::cli({"skill-groups", "list", "--all"}, test::cli_env(mock));
    REQUIRE(list.exit_code == 0);
    std::multiset<std::string> names;
    std::istringstream lines(list.out);
    for (std::string l; std::getline(lines, l);) names.insert(json::parse(l)["name"].get<std::string>());
    return names;
}

long long posts(const MockProcess& mock) {
    long long n = 0;
    for (const auto& e : mock.log()) n += e.value("op", "") == "skill-groups.create";
    return n;
}

}  // namespace

TEST_CASE("batch resume: SIGKILL at random points loses no line and duplicates no create") {
    constexpr int kLines = 40;
    MockProcess mock({"--rate-limit", "none", "--latency", "15"});
    auto env = test::cli_env(mock);
    env["CCAI_RATE_LIMIT"] = "60/1s";  // ~0.7 s of work: kills land before, during and after requests
    const auto dir = test::temp_dir();
    const auto input = write_creates(dir, kLines);
    const auto results = dir + "/results.jsonl";
    std::mt19937 rng(std::random_device{}());
    for (int round = 0; round < 4; ++round) {
        test::Background run(batch_argv(input, results), env, false);
        std::this_thread::sleep_for(std::chrono::milliseconds(std::uniform_int_distribution<int>(30, 400)(rng)));
        run.kill(SIGKILL);
    }
    auto last = test::run(batch_argv(input, results), env);
    INFO(last.err);
    CHECK((last.exit_code == 0 || last.exit_code == 10));

    const auto rows = json_lines(slurp(results));
    std::map<long long, json> by_line;
    for (const auto& r : rows) CHECK(by_line.emplace(r["line"].get<long long>(), r).second);  // exactly once
    CHECK(by_line.size() == kLines);

    // The service's view: each POST made one group, so unique names == POSTs means nothing was sent twice.
    const auto names = group_names(mock);
    CHECK(static_cast<long long>(names.size()) == posts(mock));
    CHECK(std::set<std::string>(names.begin(), names.end()).size() == names.size());
    for (const auto& [line, r] : by_line) {
        const auto name = "g" + std::to_string(line);
        if (r["outcome"] == "ok") CHECK(names.count(name) == 1);
        else CHECK(r["outcome"] == "in-doubt");  // killed mid-request: reported, not re-sent
        CHECK(names.count(name) <= 1);
    }
}

TEST_CASE("batch resume: SIGINT mid-run exits 130 after finishing in-flight lines, and --resume completes every line once") {
    constexpr int kLines = 40;
    MockProcess mock({"--rate-limit", "none", "--latency", "60"});
    auto env = test::cli_env(mock);
    env["CCAI_RATE_LIMIT"] = "16/1s";  // 40 lines take ~2.5 s: the interrupt lands mid-run
    const auto dir = test::temp_dir();
    const auto input = write_creates(dir, kLines);
    const auto results = dir + "/results.jsonl";
    const auto journal = results + ".journal";
    const auto journal_entries = [&](const char* key) {
        std::multiset<long long> lines;
        std::ifstream in(journal);  // read while the batch appends: a half-written last line is skipped
        for (std::string line; std::getline(in, line);)
            if (const auto e = json::parse(line, nullptr, false); e.is_object() && e.contains(key)) lines.insert(e[key].get<long long>());
        return lines;
    };

    test::Background run(batch_argv(input, results, false), env, false);
    REQUIRE(wait_for([&] { return journal_entries("done").size() >= 8; }, std::chrono::seconds(20)));
    ::kill(run.pid(), SIGINT);
    const int code = exit_code_of(run, std::chrono::seconds(20));
    run.kill(SIGKILL);  // reaps the exited process
    CHECK(code == 130);

    // Interrupted: every line that was started was finished (no in-doubt, nothing started twice), and the
    // results file has exactly those lines, each once.
    const auto started = journal_entries("start");
    const auto done = journal_entries("done");
    CHECK(std::set<long long>(started.begin(), started.end()).size() == started.size());
    CHECK(done == started);
    CHECK(done.size() >= 8);
    CHECK(done.size() < static_cast<size_t>(kLines));  // it stopped early: not a run that finished anyway
    std::map<long long, json> first;
    for (const auto& r : json_lines(slurp(results))) {
        CHECK(first.emplace(r["line"].get<long long>(), r).second);
        CHECK(r["outcome"] == "ok");
    }
    CHECK(first.size() == done.size());
    CHECK(posts(mock) == static_cast<long long>(done.size()));

    // Resume: only the rest is sent; every input line ends with exactly one record, all ok.
    auto resumed = test::run(batch_argv(input, results), env);
    INFO(resumed.err);
    CHECK(resumed.exit_code == 0);
    std::map<long long, json> by_line;
    for (const auto& r : json_lines(slurp(results))) {
        CHECK(by_line.emplace(r["line"].get<long long>(), r).second);
        CHECK(r["outcome"] == "ok");
    }
    CHECK(by_line.size() == kLines);
    for (const auto& [line, r] : first) CHECK(by_line[line] == r);  // earlier records kept, not redone
    const auto all_started = journal_entries("start");
    CHECK(all_started.size() == kLines);
    CHECK(std::set<long long>(all_started.begin(), all_started.end()).size() == all_started.size());

    // The service's view: exactly one skill group per create line, none missing, none twice.
    CHECK(posts(mock) == kLines);
    const auto names = group_names(mock);
    CHECK(names.size() == kLines);
    for (int i = 1; i <= kLines; ++i) CHECK(names.count("g" + std::to_string(i)) == 1);
}

TEST_CASE("ctrl-c: a call waiting for the pacer exits 130 at once and gives its slot back") {
    MockProcess mock({"--rate-limit", "none"});
    auto env = test::cli_env(mock);
    env["CCAI_RATE_LIMIT"] = "1/1m";
    env["CCAI_PACER"] = "file";
    env["CCAI_PACER_DIR"] = test::temp_dir() + "/pacer";
    const auto grants = [&] {
        const auto st = test::cli({"-o", "json", "pacer", "status"}, env);
        return nlohmann::json::parse(st.out)["limits"][0]["grants_in_window"].get<int>();
    };
    REQUIRE(test::cli({"queues", "list"}, env).exit_code == 0);  // the window's one call
    test::Background waiting({test::cli_path(), "queues", "list"}, env, false);
    REQUIRE(wait_for([&] { return grants() == 2; }, std::chrono::seconds(10)));  // its slot, a minute away
    const auto start = std::chrono::steady_clock::now();
    ::kill(waiting.pid(), SIGINT);
    const int code = exit_code_of(waiting, std::chrono::seconds(10));
    waiting.kill(SIGKILL);  // reaps the exited process
    CHECK(code == 130);
    CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(5));
    CHECK(grants() == 1);  // the slot went back to the account
    CHECK(mock.log().size() == 1);
}

TEST_CASE("ctrl-c: a call that is not waiting for the pacer ends as Ctrl-C always does") {
    MockProcess slow({"--rate-limit", "none", "--latency", "5000"});
    auto env = test::cli_env(slow);
    test::Background call({test::cli_path(), "queues", "list"}, env, false);
    std::this_thread::sleep_for(std::chrono::milliseconds(500));  // started; its request on the wire by now
    ::kill(call.pid(), SIGINT);
    const int code = exit_code_of(call, std::chrono::seconds(3));
    call.kill(SIGKILL);
    CHECK(code == 128 + SIGINT);  // killed by the signal, not waiting for the 5 s answer
}
