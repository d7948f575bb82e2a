// The sweep: answers past the longest TTL, temporary files a killed writer left and lock files nobody holds
// are removed, by their mtimes (set here with utimensat), at most once a minute.
#include <doctest/doctest.h>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "cache/cache_store.hpp"
#include "unit/cache/cache_harness.hpp"

using namespace ccai;
using namespace ccai::test::cache;
namespace fs = std::filesystem;

namespace {
constexpr std::int64_t kNow = 1'800'000'000'000;  // ms since the epoch
constexpr std::int64_t kMinute = 60'000;
constexpr std::int64_t kHour = 60 * kMinute;

void set_mtime(const std::string& path, std::int64_t ms) {
    const struct timespec t[2] = {{ms / 1000, (ms % 1000) * 1000000}, {ms / 1000, (ms % 1000) * 1000000}};
    REQUIRE(::utimensat(AT_FDCWD, path.c_str(), t, AT_SYMLINK_NOFOLLOW) == 0);
}

void make_file(const std::string& path, std::int64_t mtime_ms) {
    std::ofstream(path) << "x";
    ::chmod(path.c_str(), 0600);
    set_mtime(path, mtime_ms);
}
}  // namespace

TEST_CASE("a sweep removes old answers, old temporary files and unheld old lock files, and nothing else") {
    const auto dir = test::temp_dir() + "/c";
    REQUIRE(prepare_cache_dir(dir).ok());
    detail::CacheStore store(dir, 1024);
    const std::string old_key(64, 'a'), fresh_key(64, 'b');
    REQUIRE(store.save("agents", old_key, {200, "", "{}", 1}));
    REQUIRE(store.save("agents", fresh_key, {200, "", "{}", 1}));
    const auto fam = dir + "/agents/";
    set_mtime(fam + old_key, kNow - 25 * kHour);
    set_mtime(fam + fresh_key, kNow - 23 * kHour);
    make_file(fam + ".tmp-old", kNow - 2 * kHour);
    make_file(fam + ".tmp-new", kNow - 10 * kMinute);
    make_file(fam + std::string(64, 'c') + ".lock", kNow - 2 * kMinute);  // nobody holds it
    make_file(fam + std::string(64, 'd') + ".lock", kNow - 2 * kMinute);  // held below
    make_file(fam + std::string(64, 'e') + ".lock", kNow - 10 * 1000);     // younger than the lock wait
    make_file(fam + "notes.txt", kNow - 48 * kHour);                       // not the cache's
    const int held = ::open((fam + std::string(64, 'd') + ".lock").c_str(), O_RDWR);
    struct flock fl {};
    fl.l_type = F_WRLCK;
    REQUIRE(::fcntl(held, F_OFD_SETLK, &fl) == 0);

    detail::SweepLimits limits;
    limits.lock_ms = kMinute;
    CHECK(store.sweep(kNow, limits) == 3);
    CHECK_FALSE(fs::exists(fam + old_key));
    CHECK(fs::exists(fam + fresh_key));
    CHECK_FALSE(fs::exists(fam + ".tmp-old"));
    CHECK(fs::exists(fam + ".tmp-new"));
    CHECK_FALSE(fs::exists(fam + std::string(64, 'c') + ".lock"));
    CHECK(fs::exists(fam + std::string(64, 'd') + ".lock"));
    CHECK(fs::exists(fam + std::string(64, 'e') + ".lock"));
    CHECK(fs::exists(fam + "notes.txt"));
    ::close(held);
}

TEST_CASE("a sweep runs at most once a minute for all processes, and looks at a bounded number of files") {
    const auto dir = test::temp_dir() + "/c";
    REQUIRE(prepare_cache_dir(dir).ok());
    detail::CacheStore store(dir, 1024);
    const auto fam = dir + "/agents/";
    REQUIRE(store.save("agents", std::string(64, 'a'), {200, "", "{}", 1}));
    set_mtime(fam + std::string(64, 'a'), kNow - 25 * kHour);
    CHECK(store.sweep(kNow) == 1);
    REQUIRE(store.save("agents", std::string(64, 'b'), {200, "", "{}", 1}));
    set_mtime(fam + std::string(64, 'b'), kNow - 25 * kHour);
    CHECK(store.sweep(kNow + 30 * 1000) == 0);  // another process swept half a minute ago
    CHECK(fs::exists(fam + std::string(64, 'b')));
    CHECK(store.sweep(kNow + kMinute) == 1);

    for (char c : std::string("0123456789")) {
        REQUIRE(store.save("agents", std::string(64, c), {200, "", "{}", 1}));
        set_mtime(fam + std::string(64, c), kNow - 25 * kHour);
    }
    detail::SweepLimits few;
    few.max_files = 4;
    CHECK(store.sweep(kNow + 2 * kMinute, few) <= 4);
    CHECK(store.sweep(kNow + 3 * kMinute) + 4 >= 10);  // the rest on a later sweep
}

TEST_CASE("storing an answer sweeps the cache: an old answer of another family goes") {
    Harness h;
    const auto now_ms = std::chrono::duration_cast<std::chrono::milliseconds>(h.wall->now.time_since_epoch()).count();
    detail::CacheStore store(h.dir, 1024);
    REQUIRE(prepare_cache_dir(h.dir).ok());
    REQUIRE(store.save("agents", std::string(64, 'a'), {200, "", "{}", 1}));
    set_mtime(h.dir + "/agents/" + std::string(64, 'a'), now_ms - 25 * kHour);
    h.transport->push(200, kList);
    REQUIRE(h.list().ok());
    CHECK_FALSE(fs::exists(h.dir + "/agents/" + std::string(64, 'a')));
}
