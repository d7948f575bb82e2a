// The file pacer through the real ccai-cli: a state file that is a hard link or another user's, and a
// state directory that others may write, are configuration errors (exit 3) before any request, and the
// files behind them are left exactly as they were. A group shares a directory only when it says so.
#include <doctest/doctest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fstream>

#include "pacer/internal.hpp"
#include "ccai/client.hpp"
#include "support/cli_support.hpp"
#include "support/file_state.hpp"

using namespace ccai;
using ccai::mock::testing::MockProcess;
using nlohmann::json;

namespace {

void expect_config_error(const test::RunResult& r, const std::string& path, const std::string& why) {
    INFO("stderr: " << r.err);
    CHECK(r.exit_code == 3);
    const auto e = test::error_of(r);
    REQUIRE(e.is_object());
    CHECK(e["kind"] == "config");
    const auto message = e["message"].get<std::string>();
    CHECK(message.find(path) != std::string::npos);
    CHECK(message.find(why) != std::string::npos);
    CHECK(r.out.empty());
}

// The file pacer in `dir`, for the mock's account.
std::map<std::string, std::string> file_pacer_env(const MockProcess& mock, const std::string& dir) {
    auto env = test::cli_env(mock);
    env["CCAI_PACER"] = "file";
    env["CCAI_PACER_DIR"] = dir;
    return env;
}

// Where ccai-cli keeps the mock account's state in `dir` (the name is the scope's hash).
std::string state_path(const MockProcess& mock, const std::string& dir) {
    Config c;
    c.set("host", mock.base(), "test");
    c.set("account_id", ccai::mock::testing::kAccount, "test");
    return dir + "/" + detail::sha256_hex(pacer_scope(c)).substr(0, 32) + ".state";
}

const std::vector<std::string> kCall{"skill-groups", "list"};

}  // namespace

TEST_CASE("safety pacer files: a hard link at the state path is refused; the linked file keeps its bytes and mode") {
    MockProcess mock({"--rate-limit", "none"});
    const auto dir = test::temp_dir();
    const auto victim = test::temp_dir() + "/victim";
    std::ofstream(victim) << "precious\n";
    ::chmod(victim.c_str(), 0644);
    const auto state = state_path(mock, dir);
    REQUIRE(::link(victim.c_str(), state.c_str()) == 0);
    const auto before = test::file_state(victim);
    expect_config_error(test::cli(kCall, file_pacer_env(mock, dir)), state, "hard links");
    CHECK(test::file_state(victim) == before);
    CHECK(mock.log().empty());

    // The control: with the link removed, the same call goes through and makes a state file of its own.
    REQUIRE(::unlink(state.c_str()) == 0);
    const auto ok = test::cli(kCall, file_pacer_env(mock, dir));
    CHECK_MESSAGE(ok.exit_code == 0, ok.err);
    CHECK(mock.log().size() == 1);
    CHECK(test::file_state(state).nlink == 1);
    CHECK(test::file_state(victim).bytes == before.bytes);
    CHECK(test::file_state(victim).mode == before.mode);
}

TEST_CASE("safety pacer files: a directory others may write is refused unless the group shares it on purpose") {
    MockProcess mock({"--rate-limit", "none"});
    const auto dir = test::temp_dir();
    ::chmod(dir.c_str(), 0777);
    expect_config_error(test::cli(kCall, file_pacer_env(mock, dir)), dir, "world-writable");
    auto shared = file_pacer_env(mock, dir);
    shared["CCAI_PACER_DIR_SHARED"] = "true";
    expect_config_error(test::cli(kCall, shared), dir, "world-writable");

    ::chmod(dir.c_str(), 0770);
    const auto refused = test::cli(kCall, file_pacer_env(mock, dir));
    expect_config_error(refused, dir, "group-writable");
    CHECK(refused.err.find("pacer_dir_shared") != std::string::npos);
    CHECK(refused.err.find("redis://") != std::string::npos);
    CHECK(::access(state_path(mock, dir).c_str(), F_OK) != 0);  // nothing written in it
    CHECK(mock.log().empty());

    const auto ok = test::cli(kCall, shared);
    CHECK_MESSAGE(ok.exit_code == 0, ok.err);
    CHECK(mock.log().size() == 1);
}

TEST_CASE("safety pacer files: a state directory or state file of another user is refused") {
    if (!test::running_as_root("pacer directory and state file owned by uid 65534")) return;
    MockProcess mock({"--rate-limit", "none"});
    const auto dir = test::temp_dir();
    REQUIRE(test::cli(kCall, file_pacer_env(mock, dir)).exit_code == 0);  // makes the state file
    const auto state = state_path(mock, dir);
    const auto sent = mock.log().size();

    REQUIRE(::chown(state.c_str(), test::kNobody, test::kNobody) == 0);
    const auto before = test::file_state(state);
    expect_config_error(test::cli(kCall, file_pacer_env(mock, dir)), state, "belongs to uid 65534");
    CHECK(test::file_state(state) == before);

    REQUIRE(::chown(state.c_str(), 0, 0) == 0);
    REQUIRE(::chown(dir.c_str(), test::kNobody, test::kNobody) == 0);
    const auto state_before = test::file_state(state);
    expect_config_error(test::cli(kCall, file_pacer_env(mock, dir)), dir, "belongs to uid 65534");
    CHECK(test::file_state(state) == state_before);
    CHECK(mock.log().size() == sent);
}

TEST_CASE("safety pacer files: the default state directory is created 0700") {
    MockProcess mock({"--rate-limit", "none"});
    const auto home = test::temp_dir();
    auto env = test::cli_env(mock, home);  // XDG_STATE_HOME = home/state, which does not exist yet
    env["CCAI_PACER"] = "file";
    const auto r = test::run({"/bin/sh", "-c", R"(umask 0 && exec "$0" "$@")", ccai::test::cli_path(), kCall[0], kCall[1]}, env);
    CHECK_MESSAGE(r.exit_code == 0, r.err);
    for (const auto& made : {home + "/state", home + "/state/ccai", home + "/state/ccai/pacer"}) {
        CAPTURE(made);
        CHECK((test::file_state(made).mode & 07777) == 0700);
    }
}
