// Waiting for an identical request of another process: bounded by the call's wait budget, counted in it,
// said in -v; and a lock file unlinked while it was waited for is not trusted.
#include <doctest/doctest.h>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <optional>

#include "cache/cache_store.hpp"
#include "unit/cache/cache_harness.hpp"

using namespace ccai;
using namespace ccai::test::cache;
namespace fs = std::filesystem;

namespace {
bool lockable(const std::string& path) {
    const int fd = ::open(path.c_str(), O_RDWR);
    if (fd < 0) return false;
    struct flock fl {};
    fl.l_type = F_WRLCK;
    const bool ok = ::fcntl(fd, F_OFD_SETLK, &fl) == 0;
    ::close(fd);
    return ok;
}
}  // namespace

TEST_CASE("a wait for an identical request in progress counts in max_wait and is said in -v") {
    Harness h(30s, kMaxCacheEntryBytes, nullptr, "acc", {{"max_wait", "5"}});
    h.transport->push(200, kList);
    REQUIRE(h.list().ok());  // leaves the key's lock file
    std::string lock_path;
    for (const auto& e : fs::directory_iterator(h.dir + "/skill-groups"))
        if (e.path().extension() == ".lock") lock_path = e.path();
    REQUIRE_FALSE(lock_path.empty());
    const int other = ::open(lock_path.c_str(), O_RDWR);  // another process fetching the same answer
    struct flock fl {};
    fl.l_type = F_WRLCK;
    REQUIRE(::fcntl(other, F_OFD_SETLK, &fl) == 0);
    h.wall->now += 31s;  // the stored answer is too old
    h.transport->push(200, kList);
    CallStats stats;
    const auto before = h.clock->now();
    REQUIRE(h.list(&stats).ok());  // sent after the budget: the wait is not the lock's 60s
    CHECK(h.clock->now() - before == std::chrono::duration_cast<Duration>(5s));
    CHECK(stats.pacer_wait == std::chrono::duration_cast<Duration>(5s));
    CHECK(h.logged("cache: waiting for an identical request in progress"));
    CHECK(h.transport->requests.size() == 2);
    ::close(other);
}

namespace {
// Answers every request; the first one, while it is in flight (holding its key's lock), makes the same call
// again on the same client, as a second process would.
struct ReenteringTransport final : Transport {
    std::function<void()> during_first;
    int requests = 0;
    Result<HttpResponse> perform(const HttpRequest&) override {
        if (++requests == 1 && during_first) during_first();
        return HttpResponse{200, {}, kList};
    }
};
}  // namespace

TEST_CASE("by default a call waits for an identical one at most the transport timeout") {
    ClientOptions o;
    for (const auto& [k, v] : std::map<std::string, std::string>{{"host", "http://127.0.0.1:1"}, {"pacer", "memory"},
                                                                  {"bot_id", "st-1"}, {"token", "ready-token-of-the-lock-test"}, {"timeout", "7"}, {"rate_limit", "60/1m"},
                                                                  {"cache", "30"}})
        o.config.set(k, v, "test");
    auto transport = std::make_shared<ReenteringTransport>();
    auto clock = std::make_shared<test::FakeClock>();
    o.transport = transport;
    o.clock = clock;
    const auto home = test::temp_dir();  // the environment the client was given, not the process's
    o.getenv = [home](const char* name) -> std::optional<std::string> {
        if (std::string_view(name) == "HOME") return home;
        return std::nullopt;
    };
    auto client = Client::create(std::move(o));
    REQUIRE_MESSAGE(client.ok(), client.error().message);
    CallStats second;
    Duration waited{0};
    transport->during_first = [&] {
        const auto before = clock->now();
        REQUIRE(client->call(*find_endpoint("skill-groups.list"), {}, &second).ok());
        waited = clock->now() - before;
    };
    REQUIRE(client->call(*find_endpoint("skill-groups.list"), {}).ok());
    CHECK(waited == std::chrono::duration_cast<Duration>(7s));
    CHECK(second.pacer_wait == std::chrono::duration_cast<Duration>(7s));
    CHECK(transport->requests == 2);
    CHECK(fs::exists(home + "/.cache/ccai/skill-groups"));
}

TEST_CASE("a lock file unlinked while it was waited for is replaced, not trusted") {
    const auto dir = test::temp_dir() + "/c";
    REQUIRE(prepare_cache_dir(dir).ok());
    detail::CacheStore store(dir, 1024);
    test::FakeClock clock;
    const std::string key(64, 'f');
    const auto path = dir + "/agents/" + key + ".lock";
    std::optional<detail::CacheStore::Lock> first(store.lock("agents", key, clock, 1s, nullptr));
    REQUIRE(first->held());
    // While the second waits, a sweep (or `cache clear`) unlinks the file and its holder finishes.
    auto second = store.lock("agents", key, clock, 1s, nullptr, [&] {
        ::unlink(path.c_str());
        first.reset();
    });
    REQUIRE(second.held());
    REQUIRE(fs::exists(path));
    CHECK_FALSE(lockable(path));  // the lock is on the file a third process would open
}
