// `batch --results` on a new run: a path that would write the input, write through a link, or replace a
// device, a FIFO, a directory or an existing file is refused with exit 2 before anything is sent, and every
// file at or behind the path is left exactly as it was (inode, type, owner, mode, links, times, bytes).
#include <doctest/doctest.h>
#include <dirent.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <set>

#include "support/cli_support.hpp"
#include "support/file_state.hpp"

using namespace ccai;
using ccai::mock::testing::MockProcess;
using nlohmann::json;

namespace {

void expect_refused(const test::RunResult& r, const std::string& mentions) {
    INFO("stderr: " << r.err);
    CHECK(r.exit_code == 2);
    const auto e = test::error_of(r);
    REQUIRE(e.is_object());
    CHECK(e["kind"] == "invalid_input");
    CHECK(e["message"].get<std::string>().find(mentions) != std::string::npos);
    CHECK(r.out.empty());
}

std::set<std::string> names_in(const std::string& dir) {
    std::set<std::string> names;
    if (DIR* d = ::opendir(dir.c_str())) {
        while (const auto* e = ::readdir(d)) names.insert(e->d_name);
        ::closedir(d);
    }
    return names;
}

// Three create lines: a run that was not refused would send them.
std::string write_input(const std::string& dir) {
    const auto path = dir + "/in.jsonl";
    std::ofstream out(path);
    for (int i = 1; i <= 3; ++i) out << json{{"op", "skill-groups.create"}, {"body", {{"name", "g" + std::to_string(i)}}}}.dump() << "\n";
    return path;
}

struct Watched {
    explicit Watched(std::vector<std::string> watched) : paths(std::move(watched)) {}
    std::vector<std::string> paths;
    std::vector<test::FileState> before;
    void take() {
        before.clear();
        for (const auto& p : paths) before.push_back(test::file_state(p));
    }
    void check_unchanged() const {
        for (size_t i = 0; i < paths.size(); ++i) {
            CAPTURE(paths[i]);
            CHECK(test::file_state(paths[i]) == before[i]);
        }
    }
};

}  // namespace

TEST_CASE("safety files write: --results that is the input, a link, a device, a FIFO, a directory or an existing file is refused, nothing changes") {
    MockProcess mock({"--rate-limit", "none"});
    const auto dir = test::temp_dir();
    const auto env = test::cli_env(mock, test::temp_dir());
    const auto input = write_input(dir);
    const auto victim = dir + "/victim.txt";
    std::ofstream(victim) << "someone else's data\n";
    REQUIRE(::link(input.c_str(), (dir + "/hard.jsonl").c_str()) == 0);
    REQUIRE(::symlink(input.c_str(), (dir + "/sym.jsonl").c_str()) == 0);
    REQUIRE(::symlink(victim.c_str(), (dir + "/to-victim.jsonl").c_str()) == 0);
    REQUIRE(::symlink((dir + "/absent.txt").c_str(), (dir + "/dangling.jsonl").c_str()) == 0);
    REQUIRE(::mkfifo((dir + "/fifo.jsonl").c_str(), 0600) == 0);
    REQUIRE(::mkdir((dir + "/sub").c_str(), 0700) == 0);
    std::ofstream(dir + "/old-results.jsonl") << "{\"line\":1,\"outcome\":\"ok\"}\n";
    // Root: device nodes of the test's own (the same devices as /dev/full and /dev/null), so a binary that
    // replaced them could never take the machine's with it. Others cannot replace anything in /dev.
    std::string full = "/dev/full", null = "/dev/null";
    if (::geteuid() == 0) {
        full = dir + "/full";
        null = dir + "/null";
        if (::mknod(full.c_str(), S_IFCHR | 0666, ::makedev(1, 7)) != 0 ||
            ::mknod(null.c_str(), S_IFCHR | 0666, ::makedev(1, 3)) != 0) {
            MESSAGE("device cases skipped: no mknod here (" << std::strerror(errno) << ")");
            full = null = dir + "/fifo.jsonl";
        }
    }

    struct Case {
        std::string results;
        std::string mentions;
        bool resume = false;
    };
    const std::vector<Case> cases{
        {input, "is the batch input"},
        {dir + "/hard.jsonl", "is the batch input"},
        {dir + "/sym.jsonl", "is the batch input"},
        {"/proc/self/root" + input, "is the batch input"},
        {dir + "/to-victim.jsonl", "symbolic link"},
        {dir + "/dangling.jsonl", "symbolic link"},
        {dir + "/fifo.jsonl", "is a FIFO"},
        {full, S_ISCHR(test::file_state(full).mode) ? "is a character device" : "is a FIFO"},
        {null, S_ISCHR(test::file_state(null).mode) ? "is a character device" : "is a FIFO"},
        {dir + "/sub", "is a directory"},
        {dir + "/sub/", "names a directory"},
        {dir + "/sub/..", "names a directory"},
        {dir + "/sub/.", "names a directory"},
        {"..", "names a directory"},
        {dir + "/old-results.jsonl", "exists without its journal"},
        {dir + "/old-results.jsonl", "exists without its journal", true},
        {"", "--results: the path is empty"},
    };
    Watched watched{{input, dir + "/hard.jsonl", dir + "/sym.jsonl", victim, dir + "/to-victim.jsonl", dir + "/dangling.jsonl",
                     dir + "/absent.txt", dir + "/fifo.jsonl", full, null, dir + "/sub",
                     dir + "/old-results.jsonl"}};
    for (const auto& c : cases) {
        CAPTURE(c.results);
        watched.take();
        const auto names = names_in(dir);
        const auto sub_names = names_in(dir + "/sub");
        std::vector<std::string> args{"batch", "--input", input, "--results", c.results};
        if (c.resume) args.push_back("--resume");
        expect_refused(test::cli(args, env), c.mentions);
        watched.check_unchanged();
        CHECK(names_in(dir) == names);  // no journal, no temporary file, nothing created beside
        CHECK(names_in(dir + "/sub") == sub_names);
        CHECK(::access("...journal", F_OK) != 0);  // `--results ..` made no journal in the working directory
    }
    CHECK(mock.log().empty());
}

TEST_CASE("safety files write: the input reached through stdin, /dev/stdin or /proc/self/fd is never the results file") {
    MockProcess mock({"--rate-limit", "none"});
    const auto dir = test::temp_dir();
    const auto env = test::cli_env(mock, test::temp_dir());
    const auto input = write_input(dir);
    // sh opens the input as ccai-cli's stdin; $0 is ccai-cli, $1 the input.
    const std::vector<std::string> scripts{
        R"(exec "$0" batch --input - --results "$1" < "$1")",
        R"(exec "$0" batch --input "$1" --results /dev/stdin < "$1")",
        R"(exec "$0" batch --input - --results /dev/stdin < "$1")",
        R"(exec "$0" batch --input "$1" --results /proc/self/fd/0 < "$1")",
        R"(exec "$0" batch --input - --results /proc/self/fd/0 < "$1")",
    };
    Watched watched{{input}};
    for (const auto& script : scripts) {
        CAPTURE(script);
        watched.take();
        const auto names = names_in(dir);
        expect_refused(test::run({"/bin/sh", "-c", script, ccai::test::cli_path(), input}, env), "is the batch input");
        watched.check_unchanged();
        CHECK(names_in(dir) == names);
    }
    CHECK(mock.log().empty());
}

TEST_CASE("safety files write: --results owned by another user is refused") {
    if (!test::running_as_root("results file owned by uid 65534")) return;
    MockProcess mock({"--rate-limit", "none"});
    const auto dir = test::temp_dir();
    const auto input = write_input(dir);
    const auto theirs = dir + "/theirs.jsonl";
    std::ofstream(theirs) << "their results\n";
    REQUIRE(::chown(theirs.c_str(), test::kNobody, test::kNobody) == 0);
    Watched watched{{theirs}};
    watched.take();
    for (const bool resume : {false, true}) {
        std::vector<std::string> args{"batch", "--input", input, "--results", theirs};
        if (resume) args.push_back("--resume");
        expect_refused(test::cli(args, test::cli_env(mock, test::temp_dir())), "belongs to uid 65534");
    }
    watched.check_unchanged();
    CHECK(::access((theirs + ".journal").c_str(), F_OK) != 0);
    CHECK(mock.log().empty());
}

TEST_CASE("safety files write: --results where no file can be created is refused before anything is sent") {
    MockProcess mock({"--rate-limit", "none"});
    const auto dir = test::temp_dir();
    const auto input = write_input(dir);
    std::vector<std::string> unwritable{dir + "/missing-dir/results.jsonl", "/proc/ccai-results.jsonl"};
    // Root writes any directory whatever its mode: sysfs refuses even root (EACCES).
    if (::access("/sys/kernel", F_OK) == 0) unwritable.push_back("/sys/ccai-results.jsonl");
    if (::geteuid() != 0) {
        const auto locked = test::temp_dir();
        ::chmod(locked.c_str(), 0500);
        unwritable.push_back(locked + "/results.jsonl");
    }
    for (const auto& results : unwritable) {
        CAPTURE(results);
        expect_refused(test::cli({"batch", "--input", input, "--results", results}, test::cli_env(mock, test::temp_dir())),
                       "cannot create journal " + results + ".journal");
        CHECK(::access(results.c_str(), F_OK) != 0);
    }
    CHECK(mock.log().empty());
}
