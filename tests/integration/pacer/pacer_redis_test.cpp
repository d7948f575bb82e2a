// The redis backend against a real redis-server: the same contract as memory and file, the server's
// TIME, hosts (here: groups with separate state dirs) sharing one budget, and redis going away.
#include "support/pacer_contract.hpp"
#include "pacer_harness_test.hpp"

using namespace ccai;
using namespace ccai::test;
using namespace ccai::test::pacer_it;
using namespace std::chrono_literals;

TEST_CASE("pacer redis: the backend contract") {
    RedisServer redis;
    pacer_contract::run_all(pacer_contract::Setup{redis.url(), ""});
}

TEST_CASE("pacer redis: slots follow the server's TIME") {
    RedisServer redis;
    auto o = pacer_contract::options({redis.url(), ""}, "10/1s", pacer_contract::unique_scope());
    o.use_client_clock = false;
    auto clock = std::make_shared<pacer_contract::FrozenClock>();  // report the reserved waits, never sleep
    auto p = make_pacer(o, clock);
    REQUIRE(p.ok());
    const auto start = std::chrono::steady_clock::now();
    for (int i = 0; i < 10; ++i) {
        auto w = (*p)->acquire();
        REQUIRE(w.ok());
        const auto elapsed = std::chrono::duration_cast<Duration>(std::chrono::steady_clock::now() - start);
        CHECK(*w <= i * 101ms);  // burst 1: one interval (1.01 s / 10) apart, on the server's clock
        CHECK(*w >= i * 101ms - elapsed - 5ms);
    }
    auto st = (*p)->status();
    REQUIRE(st.ok());
    CHECK((*st)["backend"] == "redis");
    CHECK((*st)["url"] == redis.url());
    CHECK((*st)["limits"][0]["grants_in_window"] == 10);
}

TEST_CASE("pacer redis: a database number in the URL, and reset") {
    RedisServer redis;
    auto o = pacer_contract::options({redis.url() + "/3", ""}, "1/1h", pacer_contract::unique_scope());
    auto clock = std::make_shared<FakeClock>();
    auto p = make_pacer(o, clock);
    REQUIRE(p.ok());
    CHECK(*(*p)->acquire() == 0ms);
    CHECK((*p)->time_until_free() == 3636s);
    REQUIRE((*p)->reset().ok());
    CHECK((*p)->time_until_free() == 0ms);
}

TEST_CASE("pacer redis: redis going away is an error naming the URL, or degrades to the file backend") {
    auto redis = std::make_unique<RedisServer>();
    const auto url = redis->url();
    auto o = pacer_contract::options({url, temp_dir()}, "10/1s", pacer_contract::unique_scope());
    std::string warnings;
    o.log = [&](const std::string& l) { warnings += l + "\n"; };
    auto strict = make_pacer(o, std::make_shared<FakeClock>());
    o.fallback = "file";
    auto lenient = make_pacer(o, std::make_shared<FakeClock>());
    REQUIRE(strict.ok());
    REQUIRE(lenient.ok());
    redis.reset();  // stops the server
    auto r = (*strict)->acquire();
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().kind == ErrorKind::network);
    CHECK(r.error().message.find(url) != std::string::npos);
    CHECK((*lenient)->acquire().ok());
    CHECK((*(*lenient)->status())["backend"] == "file");
    CHECK(warnings.find("falling back to the file pacer") != std::string::npos);
}

TEST_CASE("pacer redis: two groups of processes with separate state dirs share one budget") {
    RedisServer redis;
    MockProcess mock({"--rate-limit", "20/2s", "--count-rejected"});
    const auto group = [&](const std::string& dir) {
        return xargs_command(30, 6, {"--rate-limit", "20/2s", "--pacer", redis.url(), "--pacer-dir", dir});
    };
    const auto script = group(temp_dir()) + " & a=$!; " + group(temp_dir()) + " & b=$!; wait $a && wait $b";
    const auto start = std::chrono::steady_clock::now();
    auto r = run({"bash", "-c", script}, env_for(mock));
    CHECK_MESSAGE(r.exit_code == 0, r.err);
    CHECK(count_status(mock.log(), 429) == 0);
    CHECK(count_status(mock.log(), 200) == 60);
    // one budget, not two: the 21st grant is 2.001 s after the first answer (2 s x (1 + kClockSlew)), and
    // the 60th 39 intervals (2 s x 1.005 / 20 = 100.5 ms) after it; two budgets: 2.001 s + 9 intervals
    CHECK(seconds_since(start) >= 2.001 + 39 * 0.1005 - 0.05);
}

TEST_CASE("pacer redis: times further ahead than any wait or penalty mean full windows, with a warning") {
    RedisServer redis;
    auto o = pacer_contract::options({redis.url(), ""}, "60/1m", pacer_contract::unique_scope());
    std::string warnings;
    o.log = [&](const std::string& l) { warnings += l + "\n"; };
    auto clock = std::make_shared<FakeClock>();
    auto p = make_pacer(o, clock);
    REQUIRE(p.ok());
    const auto key = (*(*p)->status())["key"].get<std::string>();
    // A penalty two days ahead: no working pacer stores one (the longest is a window, a day and a burst).
    const auto far = (clock->now() + 48h).time_since_epoch().count();
    auto set = run({"redis-cli", "-u", redis.url(), "SET", key + ":penalty", std::to_string(far)});
    REQUIRE_MESSAGE(set.exit_code == 0, set.err);
    auto w = (*p)->acquire();
    REQUIRE(w.ok());
    CHECK(*w == 60600ms);  // 60 grants assumed now: wait until they leave the (margin-widened) window
    CHECK(warnings.find("unusable") != std::string::npos);
}
