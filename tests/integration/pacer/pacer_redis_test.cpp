// The redis backend against a real redis-server: the same contract as memory and file, the server's
// TIME, hosts (here: groups with separate state dirs) sharing one budget, and redis going away.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <csignal>

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

TEST_CASE("pacer redis: a ticket in line expiring further ahead than any wait is distrusted like the rest") {
    RedisServer redis;
    auto o = pacer_contract::options({redis.url(), ""}, "60/1m", pacer_contract::unique_scope());
    std::string warnings;
    o.log = [&](const std::string& l) { warnings += l + "\n"; };
    auto clock = std::make_shared<FakeClock>();
    auto p = make_pacer(o, clock);
    REQUIRE(p.ok());
    const auto key = (*(*p)->status())["key"].get<std::string>();
    const auto now = clock->now().time_since_epoch().count();
    const auto far = (clock->now() + 48h).time_since_epoch().count();
    const std::string member = "b:00000000000000a1:other-host:42:0";
    REQUIRE(run({"redis-cli", "-u", redis.url(), "ZADD", key + ":line", std::to_string(now), member}).exit_code == 0);
    REQUIRE(run({"redis-cli", "-u", redis.url(), "ZADD", key + ":line-expiry", std::to_string(far), member}).exit_code == 0);
    auto w = (*p)->acquire_within(Duration::max(), Priority::bulk);
    REQUIRE(w.ok());
    CHECK(*w == 60600ms);  // the line and the windows replaced: 60 grants assumed now, and nobody in line
    CHECK(warnings.find("unusable") != std::string::npos);
    CHECK((*(*p)->status())["waiting"]["bulk"]["count"] == 0);
}

namespace {

// redis-cli against `redis` (as the default user, whose password REDISCLI_AUTH gives once one is set):
// the arguments go as argv, so a password with '@', ':', '/' or a newline reaches redis as is.
RunResult redis_cli(const RedisServer& redis, std::vector<std::string> args, const std::string& auth = "") {
    args.insert(args.begin(), {"redis-cli", "-u", redis.url()});
    std::map<std::string, std::string> env;
    if (!auth.empty()) env["REDISCLI_AUTH"] = auth;
    return run(args, env);
}

PacerOptions auth_options(const std::string& url, const std::string& password) {
    auto o = pacer_contract::options({url, ""}, "10/1s", pacer_contract::unique_scope());
    o.redis_password = password;
    return o;
}

// make_pacer's error, and how long it took: a refusal must be prompt, never a hang on a timeout.
std::pair<ApiError, double> refusal(const PacerOptions& o) {
    const auto start = std::chrono::steady_clock::now();
    auto p = make_pacer(o, std::make_shared<FakeClock>());
    const auto took = seconds_since(start);
    REQUIRE_FALSE(p.ok());
    return {p.error(), took};
}

// An ACL user with what docs/pacing.md tells an administrator to grant, and nothing more.
void add_pacer_user(const RedisServer& redis, const std::string& user, const std::string& pw) {
    auto add = redis_cli(redis, {"ACL", "SETUSER", user, "on", ">" + pw, "resetkeys", "~ccai:pacer:*", "-@all",
                                 "+evalsha", "+eval", "+script|load", "+select", "+del", "+time", "+get", "+set",
                                 "+pexpire", "+zadd", "+zcard", "+zcount", "+zrange", "+zrangebyscore", "+zrem",
                                 "+zremrangebyscore", "+zscore"});
    REQUIRE_MESSAGE(add.exit_code == 0, add.err);
    REQUIRE(add.out.find("OK") != std::string::npos);
}

}  // namespace

TEST_CASE("pacer redis: the backend contract as an ACL user with only the documented rights") {
    RedisServer redis;
    add_pacer_user(redis, "ccai", "contract-pw");
    pacer_contract::run_all(pacer_contract::Setup{"redis://ccai@" + redis.url().substr(8) + "/1", "", "contract-pw"});
}

TEST_CASE("pacer redis: requirepass; no password or a wrong one is a prompt error naming the setting") {
    RedisServer redis;
    const std::string pw = "p@ss:w/rd\nwith a newline";  // every character a URL or a config line trips on
    // Before requirepass: a password the default user does not have is a mistake, said as much.
    auto [unneeded, unneeded_took] = refusal(auth_options(redis.url(), pw));
    CHECK(unneeded.kind == ErrorKind::config);
    CHECK(unneeded.message.find("no password for the default user") != std::string::npos);
    CHECK(unneeded_took < 5);  // an answer, not the 10 s command timeout

    auto set = redis_cli(redis, {"CONFIG", "SET", "requirepass", pw});
    REQUIRE_MESSAGE(set.exit_code == 0, set.err);

    auto p = make_pacer(auth_options(redis.url(), pw), std::make_shared<FakeClock>());
    REQUIRE_MESSAGE(p.ok(), (p.ok() ? "" : p.error().message));
    CHECK(*(*p)->acquire() == 0ms);
    CHECK((*(*p)->status())["limits"][0]["grants_in_window"] == 1);

    auto [none, none_took] = refusal(auth_options(redis.url(), ""));
    CHECK(none.kind == ErrorKind::config);  // exit 3, and no fallback: a setting to fix, not an outage
    CHECK(none.message.find("requires a password") != std::string::npos);
    CHECK(none.message.find("CCAI_REDIS_PASSWORD") != std::string::npos);
    CHECK(none_took < 5);  // an answer, not the 10 s command timeout

    auto wrong_opts = auth_options(redis.url(), "not-the-password");
    wrong_opts.fallback = "file";
    wrong_opts.dir = temp_dir();
    auto [wrong, wrong_took] = refusal(wrong_opts);
    CHECK(wrong.kind == ErrorKind::config);
    CHECK(wrong.message.find("refused the password") != std::string::npos);
    CHECK(wrong.message.find("redis_password") != std::string::npos);
    CHECK(wrong.message.find("not-the-password") == std::string::npos);
    CHECK(wrong_took < 5);  // an answer, not the 10 s command timeout

    // Through the CLI: the password from the environment, or from the credentials file; never printed.
    MockProcess mock({"--rate-limit", "20/2s"});
    auto env = env_for(mock);
    env["CCAI_PACER"] = redis.url();
    env["CCAI_REDIS_PASSWORD"] = pw;
    auto ok = cli({"-v", "skill-groups", "list"}, env);
    CHECK_MESSAGE(ok.exit_code == 0, ok.err);
    CHECK(ok.err.find("p@ss") == std::string::npos);
    auto status = cli({"-o", "json", "-v", "pacer", "status"}, env);
    CHECK_MESSAGE(status.exit_code == 0, status.err);
    CHECK(status.out.find("p@ss") == std::string::npos);
    CHECK(status.err.find("p@ss") == std::string::npos);
    CHECK(nlohmann::json::parse(status.out)["backend"] == "redis");

    env.erase("CCAI_REDIS_PASSWORD");
    auto missing = cli({"skill-groups", "list"}, env);
    CHECK(missing.exit_code == 3);
    CHECK(missing.err.find("CCAI_REDIS_PASSWORD") != std::string::npos);
    CHECK(count_status(mock.log(), 200) == 1);  // the refused call never reached the service

    const auto home = env.at("XDG_CONFIG_HOME");
    std::filesystem::create_directories(home + "/ccai");
    {
        std::ofstream creds(home + "/ccai/credentials");
        creds << "[default]\nredis_password = \"p@ss:w/rd\\nwith a newline\"\n";
    }
    std::filesystem::permissions(home + "/ccai/credentials", std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
    auto from_file = cli({"skill-groups", "list"}, env);
    CHECK_MESSAGE(from_file.exit_code == 0, from_file.err);
}

TEST_CASE("pacer redis: an ACL user with only the commands and keys the pacer needs") {
    RedisServer redis;
    const std::string pw = "acl:pw@/x";
    add_pacer_user(redis, "pacer", pw);
    const auto host = redis.url().substr(8);  // 127.0.0.1:PORT
    const auto user_url = "redis://pacer@" + host + "/2";

    auto o = auth_options(user_url, pw);
    auto p = make_pacer(o, std::make_shared<FakeClock>());
    REQUIRE_MESSAGE(p.ok(), (p.ok() ? "" : p.error().message));
    for (int i = 0; i < 10; ++i) CHECK((*p)->acquire().ok());
    (*p)->complete(true);
    (*p)->penalize(1s);
    auto st = (*p)->status();
    REQUIRE(st.ok());
    CHECK((*st)["limits"][0]["grants_in_window"] == 10);
    CHECK((*st)["url"] == user_url);
    REQUIRE((*p)->reset().ok());
    CHECK((*p)->time_until_free() == 0ms);
    // The state went to the URL's database: db 0 holds no pacer keys.
    auto keys0 = redis_cli(redis, {"--scan", "--pattern", "ccai:pacer:*"});
    CHECK(keys0.out.find("ccai:pacer") == std::string::npos);

    auto [wrong, wrong_took] = refusal(auth_options(user_url, "nope"));
    CHECK(wrong.kind == ErrorKind::config);
    CHECK(wrong.message.find("user 'pacer'") != std::string::npos);
    CHECK(wrong.message.find("redis_password") != std::string::npos);
    CHECK(wrong_took < 5);  // an answer, not the 10 s command timeout
    auto [empty, empty_took] = refusal(auth_options(user_url, ""));
    CHECK(empty.kind == ErrorKind::config);
    CHECK(empty.message.find("without a password") != std::string::npos);
    CHECK(empty_took < 5);  // an answer, not the 10 s command timeout

    // A user that may not run scripts: told what to grant, at once.
    auto weak = redis_cli(redis, {"ACL", "SETUSER", "reader", "on", ">" + pw, "~ccai:pacer:*", "-@all", "+get", "+select"});
    REQUIRE_MESSAGE(weak.exit_code == 0, weak.err);
    auto [denied, denied_took] = refusal(auth_options("redis://reader@" + host, pw));
    CHECK(denied.kind == ErrorKind::config);
    CHECK(denied.message.find("NOPERM") != std::string::npos);
    CHECK(denied.message.find("+evalsha") != std::string::npos);
    CHECK(denied.message.find(pw) == std::string::npos);
    CHECK(denied_took < 5);  // an answer, not the 10 s command timeout

    // One that may load the script but not run it by its hash: connecting works, the first call says why.
    auto no_evalsha = redis_cli(redis, {"ACL", "SETUSER", "loader", "on", ">" + pw, "~ccai:pacer:*", "+@all", "-evalsha"});
    REQUIRE_MESSAGE(no_evalsha.exit_code == 0, no_evalsha.err);
    auto loader = make_pacer(auth_options("redis://loader@" + host, pw), std::make_shared<FakeClock>());
    REQUIRE(loader.ok());
    const auto call_start = std::chrono::steady_clock::now();
    auto call = (*loader)->acquire();
    REQUIRE_FALSE(call.ok());
    CHECK(call.error().kind == ErrorKind::config);
    CHECK(call.error().message.find("+evalsha") != std::string::npos);
    CHECK(seconds_since(call_start) < 1.5);

    // A user without a password (nopass) is named in the URL alone.
    auto open = redis_cli(redis, {"ACL", "SETUSER", "open", "on", "nopass", "~*", "+@all"});
    REQUIRE_MESSAGE(open.exit_code == 0, open.err);
    CHECK(make_pacer(auth_options("redis://open@" + host, ""), std::make_shared<FakeClock>()).ok());

    // Through the CLI, with the user in --pacer and the password in the environment.
    MockProcess mock({"--rate-limit", "20/2s"});
    auto env = env_for(mock);
    env["CCAI_REDIS_PASSWORD"] = pw;
    auto r = cli({"--pacer", user_url, "skill-groups", "list"}, env);
    CHECK_MESSAGE(r.exit_code == 0, r.err);
    CHECK(count_status(mock.log(), 200) == 1);
}

TEST_CASE("pacer redis: a server that closes the connection is an outage, reported at once, or degraded") {
    // A listener that accepts and hangs up at once, as a proxy without a backend does.
    const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    REQUIRE(fd >= 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    REQUIRE(::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0);
    REQUIRE(::listen(fd, 16) == 0);
    socklen_t len = sizeof a;
    REQUIRE(::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len) == 0);
    std::atomic<bool> stop{false};
    std::thread closer([&] {
        while (!stop) {
            const int c = ::accept(fd, nullptr, nullptr);
            if (c >= 0) ::close(c);
        }
    });
    auto o = auth_options("redis://127.0.0.1:" + std::to_string(ntohs(a.sin_port)), "secret-pw");
    auto [e, took] = refusal(o);
    CHECK(e.kind == ErrorKind::network);
    CHECK(e.message.find("unavailable") != std::string::npos);
    CHECK(e.message.find("secret-pw") == std::string::npos);
    CHECK(took < 5);  // an answer, not the 10 s command timeout
    o.fallback = "file";
    o.dir = temp_dir();
    auto p = make_pacer(o, std::make_shared<FakeClock>());
    REQUIRE(p.ok());
    CHECK((*(*p)->status())["backend"] == "file");
    stop = true;
    ::shutdown(fd, SHUT_RDWR);  // wakes accept()
    closer.join();
    ::close(fd);
}

TEST_CASE("pacer redis: killed mid-run with --pacer-fallback file, no call is rejected and every call is answered") {
    auto redis = std::make_unique<RedisServer>();
    MockProcess mock({"--rate-limit", "20/2s", "--count-rejected"});
    const auto dir = temp_dir();
    const int calls = 60;
    const auto group = xargs_command(calls, 8, {"--rate-limit", "20/2s", "--pacer", redis->url(), "--pacer-fallback",
                                                "file", "--pacer-dir", dir, "--max-attempts", "1"});
    // Killed well into the run: the window redis kept is full of grants this host cannot see any more.
    const auto script = group + " & x=$!; sleep 2.5; kill -9 " + std::to_string(redis->process().pid()) + "; wait $x";
    auto r = run({"bash", "-c", script}, env_for(mock));
    CHECK_MESSAGE(r.exit_code == 0, r.err);
    CHECK(count_status(mock.log(), 429) == 0);
    CHECK(count_status(mock.log(), 200) == calls);
    CHECK(static_cast<int>(mock.log().size()) == calls);
    // The file backend took over: its state holds the grants made after the switch.
    auto st = cli({"--rate-limit", "20/2s", "--pacer-dir", dir, "-o", "json", "pacer", "status"}, env_for(mock));
    REQUIRE_MESSAGE(st.exit_code == 0, st.err);
    CHECK(nlohmann::json::parse(st.out)["limits"][0]["grants_in_window"].get<int>() > 0);
}

TEST_CASE("pacer redis: a stopped server is an outage after the command timeout, not a hang") {
    RedisServer redis;
    auto o = auth_options(redis.url(), "");
    REQUIRE(::kill(redis.process().pid(), SIGSTOP) == 0);  // accepts connections (the kernel does), never answers
    auto [e, took] = refusal(o);
    CHECK(e.kind == ErrorKind::network);
    CHECK(e.message.find("no answer within 10 s") != std::string::npos);
    CHECK(took < 12);
    REQUIRE(::kill(redis.process().pid(), SIGCONT) == 0);
}
