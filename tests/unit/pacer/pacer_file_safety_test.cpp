// File backend: what the pacer refuses to write through (links, other users' files and directories, FIFOs),
// and that a refused file is left exactly as it was.
#include <doctest/doctest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fstream>
#include <sstream>

#include "pacer/internal.hpp"
#include "support/pacer_contract.hpp"
#include "support/process.hpp"

using namespace ccai;
using namespace ccai::test;
using namespace ccai::test::pacer_contract;

namespace {

constexpr uid_t kNobody = 65534;

// What a file looks like from outside: the checks that it was neither written, nor chmod'ed, nor replaced.
struct FileState {
    dev_t dev = 0;
    ino_t ino = 0;
    mode_t mode = 0;
    uid_t uid = 0;
    nlink_t nlink = 0;
    std::string bytes;
    bool operator==(const FileState&) const = default;
};

FileState state_of(const std::string& path) {
    struct stat st {};
    REQUIRE(::lstat(path.c_str(), &st) == 0);
    FileState s{st.st_dev, st.st_ino, st.st_mode, st.st_uid, st.st_nlink, ""};
    if (S_ISREG(st.st_mode)) {
        std::ifstream in(path, std::ios::binary);
        std::ostringstream text;
        text << in.rdbuf();
        s.bytes = text.str();
    }
    return s;
}

std::string state_file(const std::string& dir, const std::string& scope) {
    return dir + "/" + detail::sha256_hex(scope).substr(0, 32) + ".state";
}

std::string victim(const std::string& dir) {
    const auto path = dir + "/victim";
    std::ofstream(path) << "precious: not pacer state\n";
    ::chmod(path.c_str(), 0644);
    return path;
}

// The refusal, as make_pacer or the first acquire reports it: a config error naming the path.
void check_refused(const Result<std::unique_ptr<Pacer>>& made, const std::string& path, const std::string& why) {
    ApiError e;
    if (made) {
        auto granted = (*made)->acquire();
        REQUIRE_FALSE(granted.ok());
        e = granted.error();
    } else {
        e = made.error();
    }
    INFO(e.message);
    CHECK(e.kind == ErrorKind::config);
    CHECK(e.message.find(path) != std::string::npos);
    CHECK(e.message.find(why) != std::string::npos);
}

bool root() {
    if (::geteuid() == 0) return true;
    MESSAGE("skipped: only root can give a file to another user");
    return false;
}

}  // namespace

TEST_CASE("pacer file safety: a hard link at the state path is refused; the linked file is untouched") {
    const auto dir = temp_dir();
    const auto scope = unique_scope();
    const auto o = options(Setup{"file", dir}, "60/1m", scope);
    const auto target = victim(temp_dir());
    REQUIRE(::link(target.c_str(), state_file(dir, scope).c_str()) == 0);
    const auto before = state_of(target);
    check_refused(make_pacer(o, std::make_shared<FakeClock>()), state_file(dir, scope), "hard links");
    CHECK(state_of(target) == before);  // neither written nor chmod'ed 0600

    SUBCASE("also when the link appears after the pacer was made") {
        REQUIRE(::unlink(state_file(dir, scope).c_str()) == 0);
        auto made = make_pacer(o, std::make_shared<FakeClock>());
        REQUIRE(made);
        REQUIRE(::link(target.c_str(), state_file(dir, scope).c_str()) == 0);
        check_refused(made, state_file(dir, scope), "hard links");
        CHECK(state_of(target).bytes == before.bytes);
        CHECK(state_of(target).mode == before.mode);
    }
}

TEST_CASE("pacer file safety: a symlink or a FIFO at the state path is refused without writing or blocking") {
    const auto dir = temp_dir();
    const auto scope = unique_scope();
    const auto path = state_file(dir, scope);
    const auto target = victim(temp_dir());
    const auto before = state_of(target);
    SUBCASE("symlink") {
        REQUIRE(::symlink(target.c_str(), path.c_str()) == 0);
        check_refused(make_pacer(options(Setup{"file", dir}, "60/1m", scope), std::make_shared<FakeClock>()), path,
                      "symbolic link");
        CHECK(state_of(target) == before);
    }
    SUBCASE("FIFO") {
        REQUIRE(::mkfifo(path.c_str(), 0600) == 0);
        check_refused(make_pacer(options(Setup{"file", dir}, "60/1m", scope), std::make_shared<FakeClock>()), path, "FIFO");
    }
}

TEST_CASE("pacer file safety: world-writable directory refused; group-writable only with dir_shared") {
    const auto dir = temp_dir();
    auto o = options(Setup{"file", dir}, "60/1m", unique_scope());
    ::chmod(dir.c_str(), 0777);
    check_refused(make_pacer(o, std::make_shared<FakeClock>()), dir, "world-writable");
    o.dir_shared = true;  // opting in to group sharing never covers "everyone"
    check_refused(make_pacer(o, std::make_shared<FakeClock>()), dir, "world-writable");
    ::chmod(dir.c_str(), 01777);  // sticky, like /tmp: still anyone's to fill with names
    check_refused(make_pacer(o, std::make_shared<FakeClock>()), dir, "world-writable");

    ::chmod(dir.c_str(), 0770);
    o.dir_shared = false;
    auto refused = make_pacer(o, std::make_shared<FakeClock>());
    check_refused(refused, dir, "group-writable");
    CHECK(refused.error().message.find("pacer_dir_shared") != std::string::npos);
    CHECK(refused.error().message.find("redis") != std::string::npos);
    o.dir_shared = true;
    auto shared = make_pacer(o, std::make_shared<FakeClock>());
    REQUIRE(shared);
    CHECK((*shared)->acquire().ok());
}

TEST_CASE("pacer file safety: a directory or state file of another user is refused") {
    if (!root()) return;
    const auto dir = temp_dir();
    const auto scope = unique_scope();
    const auto o = options(Setup{"file", dir}, "60/1m", scope);
    SUBCASE("state file") {
        auto made = make_pacer(o, std::make_shared<FakeClock>());
        REQUIRE(made);
        REQUIRE((*made)->acquire().ok());
        const auto path = state_file(dir, scope);
        REQUIRE(::chown(path.c_str(), kNobody, kNobody) == 0);
        const auto before = state_of(path);
        check_refused(make_pacer(o, std::make_shared<FakeClock>()), path, "belongs to uid 65534");
        check_refused(made, path, "belongs to uid 65534");  // a pacer made before the change
        CHECK(state_of(path) == before);
    }
    SUBCASE("directory") {
        REQUIRE(::chown(dir.c_str(), kNobody, kNobody) == 0);
        auto refused = make_pacer(o, std::make_shared<FakeClock>());
        check_refused(refused, dir, "belongs to uid 65534");
        CHECK(::access(state_file(dir, scope).c_str(), F_OK) != 0);  // nothing created in it
    }
}

TEST_CASE("pacer file safety: a loose mode on our own state file is tightened, a regular single-link file kept") {
    const auto dir = temp_dir();
    const auto scope = unique_scope();
    auto made = make_pacer(options(Setup{"file", dir}, "60/1m", scope), std::make_shared<FakeClock>());
    REQUIRE(made);
    REQUIRE((*made)->acquire().ok());
    const auto path = state_file(dir, scope);
    ::chmod(path.c_str(), 0666);
    const auto ino = state_of(path).ino;
    REQUIRE((*made)->acquire().ok());
    CHECK((state_of(path).mode & 0777) == 0600);
    CHECK(state_of(path).ino == ino);  // written in place, never replaced: the fcntl lock stays on one file
}

TEST_CASE("pacer file: network filesystems are recognised, local ones are not") {
    CHECK(std::string(ccai::detail::network_filesystem(0x6969)) == "NFS");
    CHECK(std::string(ccai::detail::network_filesystem(0xFF534D42)) == "CIFS");
    CHECK(std::string(ccai::detail::network_filesystem(0xFE534D42)) == "SMB2");
    CHECK(ccai::detail::network_filesystem(0xEF53) == nullptr);     // ext4
    CHECK(ccai::detail::network_filesystem(0x01021994) == nullptr); // tmpfs
    CHECK(ccai::detail::network_filesystem(0x58465342) == nullptr); // xfs
}
