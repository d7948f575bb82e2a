// `batch --resume`: the results file and journal an earlier run left are checked before anything is sent
// (a link, a FIFO, another user's file is refused and left as it was), the results file is rewritten only
// through a new file renamed over it, a write error stops the run without losing a line, and a stdin
// input leaves no copy behind, even after SIGKILL.
#include <doctest/doctest.h>
#include <dirent.h>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <csignal>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <thread>

#include "support/cli_support.hpp"
#include "support/file_state.hpp"
#include "support/test_files.hpp"

using namespace ccai;
using ccai::test::json_lines;
using ccai::test::slurp;
using ccai::mock::testing::MockProcess;
using nlohmann::json;

namespace {

std::set<std::string> names_in(const std::string& dir) {
    std::set<std::string> names;
    if (DIR* d = ::opendir(dir.c_str())) {
        while (const auto* e = ::readdir(d)) names.insert(e->d_name);
        ::closedir(d);
    }
    return names;
}

std::string write_lines(const std::string& path, const std::vector<json>& lines) {
    std::ofstream out(path);
    for (const auto& l : lines) out << l.dump() << "\n";
    return path;
}

std::vector<json> creates(int n) {
    std::vector<json> lines;
    for (int i = 1; i <= n; ++i) lines.push_back({{"op", "skill-groups.create"}, {"body", {{"name", "g" + std::to_string(i)}}}});
    return lines;
}

void copy_file(const std::string& from, const std::string& to) {
    std::ifstream in(from, std::ios::binary);
    std::ofstream(to, std::ios::binary) << in.rdbuf();
}

// A finished run whose journal then says line 1 (a GET) was sent again without an outcome, as a kill leaves
// it: a resume that is let through re-sends that line (GET is safe to repeat), so the mock's log tells
// whether the resume got as far as sending.
struct Resumable {
    std::string dir = test::temp_dir();
    std::string input = dir + "/in.jsonl";
    std::string results = dir + "/results.jsonl";
    std::string journal = results + ".journal";
    std::vector<std::string> args() const { return {"batch", "--input", input, "--results", results, "--resume"}; }

    explicit Resumable(const std::map<std::string, std::string>& env) {
        write_lines(input, {{{"op", "skill-groups.list"}}});
        const auto first = test::cli({"batch", "--input", input, "--results", results}, env);
        REQUIRE_MESSAGE(first.exit_code == 0, first.err);
        std::ofstream(journal, std::ios::app) << "{\"start\":1}\n";
        copy_file(results, dir + "/results.good");
        copy_file(journal, dir + "/journal.good");
    }
    // Puts the earlier run's files back, as regular files of our own.
    void restore() const {
        ::unlink(results.c_str());
        ::unlink(journal.c_str());
        copy_file(dir + "/results.good", results);
        copy_file(dir + "/journal.good", journal);
    }
};

}  // namespace

TEST_CASE("safety files resume: a results file or journal that is a link, a FIFO or another user's is refused; nothing is sent") {
    MockProcess mock({"--rate-limit", "none"});
    const auto env = test::cli_env(mock);
    Resumable run(env);
    const auto victim = run.dir + "/victim.txt";
    std::ofstream(victim) << "someone else's data\n";
    const auto sent_before = mock.log().size();

    struct Case {
        const char* name;
        std::function<void()> plant;
        std::string mentions;
        bool needs_root = false;
    };
    const auto replace_with = [&](const std::string& path, const std::function<int(const char*)>& make) {
        REQUIRE(::unlink(path.c_str()) == 0);
        REQUIRE(make(path.c_str()) == 0);
    };
    const std::vector<Case> cases{
        {"results: hard link", [&] { replace_with(run.results, [&](const char* p) { return ::link(victim.c_str(), p); }); }, "hard links"},
        {"results: symlink", [&] { replace_with(run.results, [&](const char* p) { return ::symlink(victim.c_str(), p); }); }, "symbolic link"},
        {"results: FIFO", [&] { replace_with(run.results, [](const char* p) { return ::mkfifo(p, 0600); }); }, "is a FIFO"},
        {"results: the input", [&] { replace_with(run.results, [&](const char* p) { return ::link(run.input.c_str(), p); }); }, "is the batch input"},
        {"results: another user's", [&] { REQUIRE(::chown(run.results.c_str(), test::kNobody, test::kNobody) == 0); }, "belongs to uid 65534", true},
        {"journal: hard link", [&] { REQUIRE(::link(run.journal.c_str(), (run.dir + "/second-name").c_str()) == 0); }, "hard links"},
        {"journal: symlink", [&] {
             copy_file(run.journal, victim);
             replace_with(run.journal, [&](const char* p) { return ::symlink(victim.c_str(), p); });
         }, "symbolic link"},
        {"journal: FIFO", [&] { replace_with(run.journal, [](const char* p) { return ::mkfifo(p, 0600); }); }, "is a FIFO"},
        {"journal: the input", [&] { replace_with(run.journal, [&](const char* p) { return ::symlink(run.input.c_str(), p); }); }, "is the batch input"},
        {"journal: another user's", [&] { REQUIRE(::chown(run.journal.c_str(), test::kNobody, test::kNobody) == 0); }, "belongs to uid 65534", true},
    };
    for (const auto& c : cases) {
        CAPTURE(c.name);
        if (c.needs_root && !test::running_as_root(c.name)) continue;
        run.restore();
        ::unlink((run.dir + "/second-name").c_str());
        std::ofstream(victim, std::ios::trunc) << "someone else's data\n";
        c.plant();
        std::map<std::string, test::FileState> before;
        for (const auto& p : {run.input, run.results, run.journal, victim}) before[p] = test::file_state(p);
        const auto names = names_in(run.dir);
        const auto r = test::cli(run.args(), env);
        INFO("stderr: " << r.err);
        CHECK(r.exit_code == 2);
        const auto e = test::error_of(r);
        REQUIRE(e.is_object());
        CHECK(e["kind"] == "invalid_input");
        CHECK(e["message"].get<std::string>().find(c.mentions) != std::string::npos);
        for (const auto& [path, state] : before) {
            CAPTURE(path);
            CHECK(test::file_state(path) == state);
        }
        CHECK(names_in(run.dir) == names);
        CHECK(mock.log().size() == sent_before);
    }

    // The control: the same resume on the earlier run's own files goes ahead and re-sends line 1.
    run.restore();
    const auto ok = test::cli(run.args(), env);
    CHECK_MESSAGE(ok.exit_code == 0, ok.err);
    CHECK(mock.log().size() == sent_before + 1);
}

TEST_CASE("safety files resume: a journal entry with a field of another type is refused (exit 2), not a crash") {
    MockProcess mock({"--rate-limit", "none"});
    const auto env = test::cli_env(mock);
    Resumable run(env);
    const auto sent_before = mock.log().size();
    auto text = slurp(run.journal);
    const auto at = text.find("\"status\":200");
    REQUIRE(at != std::string::npos);
    text.replace(at, 12, "\"status\":\"x\"");
    std::ofstream(run.journal, std::ios::trunc) << text;
    const auto before = test::file_state(run.journal);
    const auto r = test::cli(run.args(), env);
    INFO("stderr: " << r.err);
    CHECK(r.exit_code == 2);
    CHECK(r.err.find("journal " + run.journal + " is damaged (line 3 is not a journal entry): fix or remove that line") !=
          std::string::npos);
    CHECK(test::file_state(run.journal) == before);
    CHECK(mock.log().size() == sent_before);
}

TEST_CASE("safety files resume: a journal another run holds is refused; nothing is sent") {
    MockProcess mock({"--rate-limit", "none"});
    const auto env = test::cli_env(mock);
    Resumable run(env);
    const auto sent_before = mock.log().size();
    const int held = ::open(run.journal.c_str(), O_RDONLY | O_CLOEXEC);
    REQUIRE(held >= 0);
    REQUIRE(::flock(held, LOCK_EX) == 0);  // as a batch still running on it holds it
    const auto before = test::file_state(run.journal);
    const auto r = test::cli(run.args(), env);
    INFO("stderr: " << r.err);
    CHECK(r.exit_code == 2);
    CHECK(r.err.find("in use by another batch run") != std::string::npos);
    CHECK(test::file_state(run.journal) == before);
    CHECK(mock.log().size() == sent_before);
    ::close(held);  // the other run ends: the resume goes ahead
    const auto ok = test::cli(run.args(), env);
    CHECK_MESSAGE(ok.exit_code == 0, ok.err);
    CHECK(mock.log().size() == sent_before + 1);
}

TEST_CASE("safety files resume: the rewrite goes through a new file renamed into place, never through a planted name") {
    MockProcess mock({"--rate-limit", "none"});
    const auto env = test::cli_env(mock);
    Resumable run(env);
    const auto victim = run.dir + "/victim.txt";
    std::ofstream(victim) << "someone else's data\n";
    // Where a rewrite through a fixed name would write: each is a symlink to the victim.
    for (const auto& planted : {run.results + ".tmp", run.dir + "/.results.jsonl.tmp", run.dir + "/.results.jsonl.XXXXXX"})
        REQUIRE(::symlink(victim.c_str(), planted.c_str()) == 0);
    const auto victim_before = test::file_state(victim);
    std::ofstream(run.results, std::ios::app) << "{\"torn record of a killed ru";  // what a rewrite must drop
    const auto old_results = test::file_state(run.results);
    // Held open, the old file keeps its inode (no reuse by the new one) and can be read afterwards.
    const int old_fd = ::open(run.results.c_str(), O_RDONLY | O_CLOEXEC);
    REQUIRE(old_fd >= 0);
    const auto names = names_in(run.dir);

    const auto r = test::cli(run.args(), env);
    CHECK_MESSAGE(r.exit_code == 0, r.err);
    CHECK(test::file_state(victim) == victim_before);
    CHECK(names_in(run.dir) == names);  // the temporary file is gone: renamed over results.jsonl
    const auto now = test::file_state(run.results);
    CHECK(now.ino != old_results.ino);  // a new file renamed into place...
    std::string old_bytes(old_results.bytes.size() + 1, '\0');
    old_bytes.resize(static_cast<size_t>(std::max<ssize_t>(0, ::pread(old_fd, old_bytes.data(), old_bytes.size(), 0))));
    ::close(old_fd);
    CHECK(old_bytes == old_results.bytes);  // ...and the old one never written
    CHECK((now.mode & 0777) == 0600);
    const auto rows = json_lines(slurp(run.results));
    REQUIRE(rows.size() == 1);  // line 1's latest record only; the torn tail is gone
    CHECK(rows[0]["line"] == 1);
    CHECK(rows[0]["outcome"] == "ok");
}

TEST_CASE("safety files resume: a write error (file size limit) stops the run with an error; a resume then loses and repeats nothing") {
    constexpr int kLines = 30;
    MockProcess mock({"--rate-limit", "none"});
    const auto env = test::cli_env(mock);
    const auto dir = test::temp_dir();
    const auto input = write_lines(dir + "/in.jsonl", creates(kLines));
    const auto results = dir + "/results.jsonl";
    // RLIMIT_FSIZE, with SIGXFSZ ignored: a write past it fails (EFBIG) as one on a full disk does (ENOSPC).
    const auto limited = test::run({"/bin/sh", "-c", R"(trap '' XFSZ; ulimit -f 4 && exec "$0" batch --input "$1" --results "$2" --concurrency 1)",
                                    ccai::test::cli_path(), input, results}, env);
    INFO("stderr: " << limited.err);
    CHECK(limited.exit_code == 1);
    const auto e = test::error_of(limited);
    REQUIRE(e.is_object());
    CHECK(e["message"].get<std::string>().find("File too large") != std::string::npos);
    const auto sent_first = mock.log().size();
    CHECK(sent_first > 0);
    CHECK(sent_first < static_cast<size_t>(kLines));  // it stopped: lines were left for the resume

    const auto resumed = test::cli({"batch", "--input", input, "--results", results, "--resume"}, env);
    INFO("resume stderr: " << resumed.err);
    CHECK((resumed.exit_code == 0 || resumed.exit_code == 10));
    std::map<long long, json> by_line;
    for (const auto& r : json_lines(slurp(results))) CHECK(by_line.emplace(r["line"].get<long long>(), r).second);
    CHECK(by_line.size() == kLines);  // every line has exactly one record
    // The service's view: one skill group per POST and no name twice, so no line was sent twice; every line
    // reached it once (a line whose outcome the failed write swallowed is in doubt, and not re-sent).
    const auto posts = mock.log().size();
    const auto list = test::cli({"skill-groups", "list", "--all"}, env);
    REQUIRE(list.exit_code == 0);
    std::multiset<std::string> names;
    std::istringstream items(list.out);
    for (std::string l; std::getline(items, l);) names.insert(json::parse(l)["name"].get<std::string>());
    CHECK(names.size() == posts);
    CHECK(std::set<std::string>(names.begin(), names.end()).size() == names.size());
    CHECK(posts == static_cast<size_t>(kLines));
    for (const auto& [line, r] : by_line) {
        CHECK((r["outcome"] == "ok" || r["outcome"] == "in-doubt"));
        CHECK(names.count("g" + std::to_string(line)) == 1);
    }
}

TEST_CASE("safety files resume: a stdin input leaves no copy in TMPDIR, while running, after it, and after SIGKILL") {
    MockProcess mock({"--rate-limit", "none", "--latency", "50"});
    auto env = test::cli_env(mock);
    const auto tmp = test::temp_dir();
    env["TMPDIR"] = tmp;
    const auto dir = test::temp_dir();
    const auto input = write_lines(dir + "/in.jsonl", creates(20));

    const auto done = test::run({"/bin/sh", "-c", R"(exec "$0" batch --input - < "$1")", ccai::test::cli_path(), input}, env);
    CHECK_MESSAGE(done.exit_code == 0, done.err);
    CHECK(mock.log().size() == 20);  // the copy was read twice (validate, send) through its descriptor
    CHECK(names_in(tmp) == std::set<std::string>{".", ".."});

    env["CCAI_RATE_LIMIT"] = "10/1s";  // a run of about two seconds: killed in the middle
    // --rerun: the same creates again (the record of sent lines would skip them all).
    test::Background running({"/bin/sh", "-c", R"(exec "$0" batch --input - --rerun --results "$2" < "$1")", ccai::test::cli_path(), input,
                              dir + "/results.jsonl"},
                             env, false);
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    while (mock.log().size() < 22 && std::chrono::steady_clock::now() < deadline)
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    REQUIRE(mock.log().size() >= 22);  // sending: the copy exists, and has no name
    CHECK(names_in(tmp) == std::set<std::string>{".", ".."});
    running.kill(SIGKILL);
    CHECK(names_in(tmp) == std::set<std::string>{".", ".."});
}
