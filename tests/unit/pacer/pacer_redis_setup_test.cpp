// Redis as deployments run it, without a server: the URL (an ACL user, never a password, no rediss://),
// and the switch to the file backend when redis goes away mid-run (a fake store, the injected clock).
#include <doctest/doctest.h>

#include "pacer/internal.hpp"
#include "support/pacer_contract.hpp"
#include "support/process.hpp"

using namespace ccai;
using namespace ccai::test;
using namespace ccai::test::pacer_contract;

TEST_CASE("pacer: a redis URL names an ACL user and a database, never a password") {
    auto u = detail::parse_redis_url("redis://pacer@cache.internal:6380/2");
    REQUIRE(u.ok());
    CHECK(u->user == "pacer");
    CHECK(u->host == "cache.internal");
    CHECK(u->port == 6380);
    CHECK(u->db == 2);
    auto plain = detail::parse_redis_url("redis://cache.internal");
    REQUIRE(plain.ok());
    CHECK(plain->user.empty());
    CHECK(plain->port == 6379);
    CHECK_FALSE(detail::parse_redis_url("redis://@cache.internal:6379").ok());  // '@' with no user: a typo

    // However the password is spelled ('@', ':', '/', a newline, one letter), the URL is refused with the
    // way to give it, and the message does not repeat it.
    for (const std::string pw : {"hunter2", "p@ss", "a:b", "x/y/z", "line\nbreak", "Q"}) {
        for (const auto& url : {"redis://:" + pw + "@127.0.0.1:6379", "redis://pacer:" + pw + "@127.0.0.1:6379/1"}) {
            CAPTURE(url);
            auto r = detail::parse_redis_url(url);
            REQUIRE_FALSE(r.ok());
            CHECK(r.error().kind == ErrorKind::config);
            CHECK(r.error().message.find("CCAI_REDIS_PASSWORD") != std::string::npos);
            CHECK(r.error().message.find("redis_password") != std::string::npos);
            CHECK(r.error().message.find(pw) == std::string::npos);
            PacerOptions o;
            o.backend = url;
            o.scope = unique_scope();
            auto p = make_pacer(o, std::make_shared<FakeClock>());  // the SDK refuses it too, before connecting
            REQUIRE_FALSE(p.ok());
            CHECK(p.error().message.find(pw) == std::string::npos);
        }
    }
}

TEST_CASE("pacer: rediss:// is refused with the way through, a local TLS tunnel") {
    auto r = detail::parse_redis_url("rediss://cache.internal:6380");
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().kind == ErrorKind::config);
    CHECK(r.error().message.find("tunnel") != std::string::npos);
    CHECK(r.error().message.find("docs/pacing.md") != std::string::npos);
    PacerOptions o;
    o.backend = "rediss://cache.internal:6380";
    o.fallback = "file";  // a refused URL is a mistake to report, not an outage to hide
    o.dir = temp_dir();
    o.scope = unique_scope();
    auto p = make_pacer(o, std::make_shared<FakeClock>());
    REQUIRE_FALSE(p.ok());
    CHECK(p.error().message.find("tunnel") != std::string::npos);
}

namespace {

// A redis store that answers at once until it "dies", then fails every call as unreachable.
class DyingStore final : public detail::RemotePacer {
public:
    explicit DyingStore(std::shared_ptr<bool> dead) : dead_(std::move(dead)) {}
    Result<Duration> acquire(Duration, Priority) override { return ok_or(Duration(0)); }
    Result<Unit> complete(bool) override { return ok_or(Unit{}); }
    Result<Unit> cancel() override { return ok_or(Unit{}); }
    Result<Unit> penalize(Duration) override { return ok_or(Unit{}); }
    Result<Duration> time_until_free() override { return ok_or(Duration(0)); }
    Result<nlohmann::json> status() override { return ok_or(nlohmann::json{{"backend", "redis"}}); }
    Result<Unit> reset() override { return ok_or(Unit{}); }

private:
    template <class T>
    Result<T> ok_or(T v) {
        if (!*dead_) return v;
        ApiError e;
        e.kind = ErrorKind::network;
        e.message = "pacer: redis at redis://127.0.0.1:1 unavailable: Connection refused";
        return e;
    }
    std::shared_ptr<bool> dead_;
};

}  // namespace

TEST_CASE("pacer: when redis dies mid-run, the file backend starts with its windows full, once per host") {
    const auto dir = temp_dir();
    auto o = options(Setup{"redis://127.0.0.1:1", dir}, "20/2s", unique_scope());
    o.fallback = "file";
    auto dead = std::make_shared<bool>(false);
    auto clock = std::make_shared<FakeClock>();
    auto a = detail::make_fallback_pacer(std::unique_ptr<detail::RemotePacer>(std::make_unique<DyingStore>(dead)), o, clock);
    REQUIRE(a.ok());
    for (int i = 0; i < 20; ++i) REQUIRE(*(*a)->acquire() == Duration(0));  // redis granted a full window
    (*a)->complete(true);
    clock->advance(std::chrono::milliseconds(300));
    *dead = true;
    // This host cannot know what redis granted in the last window: the first call after the switch waits
    // one whole (margin-widened) window from the switch, where an empty file would have let 20 go at once.
    const auto window = detail::effective_window(o.windows.front(), o.margin);
    auto first = (*a)->acquire();
    REQUIRE(first.ok());
    CHECK(*first == window);
    CHECK((*(*a)->status())["backend"] == "file");
    (*a)->complete(true);

    // Another process of this host switches a little later: the state is in use, so it does not assume a
    // second full window (it would pause the host once per process); it waits its turn, one interval on.
    clock->advance(std::chrono::milliseconds(10));
    auto b = detail::make_fallback_pacer(std::unique_ptr<detail::RemotePacer>(std::make_unique<DyingStore>(dead)), o, clock);
    REQUIRE(b.ok());
    auto second = (*b)->acquire();
    REQUIRE(second.ok());
    CHECK(*second > Duration(0));
    CHECK(*second <= detail::spacing_of(o.windows, o.margin));

    // A process started while redis is already down, after the host sat idle past the window: the
    // history is unknown again, so the windows count as full once more.
    clock->advance(std::chrono::seconds(10));
    ApiError down;
    down.kind = ErrorKind::network;
    down.message = "pacer: redis at redis://127.0.0.1:1 unavailable: Connection refused";
    auto c = detail::make_fallback_pacer(down, o, clock);
    REQUIRE(c.ok());
    auto third = (*c)->acquire();
    REQUIRE(third.ok());
    CHECK(*third == window);
}

TEST_CASE("pacer: an authentication or permission refusal is never hidden by the fallback") {
    auto o = options(Setup{"redis://127.0.0.1:1", temp_dir()}, "20/2s", unique_scope());
    o.fallback = "file";
    auto refused = config_error("pacer: redis at redis://127.0.0.1:1 requires a password: set CCAI_REDIS_PASSWORD");
    auto p = detail::make_fallback_pacer(refused, o, std::make_shared<FakeClock>());
    REQUIRE_FALSE(p.ok());
    CHECK(p.error().kind == ErrorKind::config);
    CHECK(p.error().message.find("CCAI_REDIS_PASSWORD") != std::string::npos);
}
