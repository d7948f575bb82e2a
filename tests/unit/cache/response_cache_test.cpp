// The response cache in the pipeline, with a fake transport, a fake monotonic clock and a wall clock the test
// moves: what is stored, for how long, under which key, what a write drops, and what a hostile file is.
#include <doctest/doctest.h>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "cache/cache_key.hpp"
#include "cache/cache_store.hpp"
#include "ccai/client.hpp"
#include "support/fakes.hpp"
#include "support/process.hpp"
#include "unit/cache/cache_harness.hpp"

using namespace ccai;
using namespace ccai::test::cache;
using namespace std::chrono_literals;
namespace fs = std::filesystem;


TEST_CASE("two identical reads within the TTL make one request, the second says how old its answer is") {
    Harness h;
    h.transport->push(200, kList, {{"content-type", "application/json"}});
    CallStats first;
    REQUIRE(h.list(&first).ok());
    CHECK(first.cache == CacheOutcome::miss);
    h.wall->now += 12s;
    CallStats second;
    auto again = h.list(&second);
    REQUIRE(again.ok());
    CHECK(*again == nlohmann::json::parse(kList));
    CHECK(h.transport->requests.size() == 1);
    CHECK(second.cache == CacheOutcome::hit);
    CHECK(second.cache_age == std::chrono::duration_cast<Duration>(12s));
    CHECK(second.attempts == 0);  // no pacer slot, no attempt
    CHECK(h.logged("cache hit (age 12s)"));
    // Stored as a private file in a private directory.
    struct stat st {};
    REQUIRE(::stat((h.dir + "/skill-groups").c_str(), &st) == 0);
    CHECK((st.st_mode & 0777) == 0700);
    for (const auto& e : fs::directory_iterator(h.dir + "/skill-groups"))
        if (e.path().filename().string().size() == 64) CHECK((fs::status(e).permissions() & fs::perms::all) == (fs::perms::owner_read | fs::perms::owner_write));
}

TEST_CASE("an answer older than the TTL is fetched again; --cache 0 never looks") {
    Harness h;
    h.transport->push(200, kList);
    h.transport->push(200, kList);
    REQUIRE(h.list().ok());
    h.wall->now += 30s;  // the TTL: no longer used
    CallStats stats;
    REQUIRE(h.list(&stats).ok());
    CHECK(stats.cache == CacheOutcome::miss);
    CHECK(h.transport->requests.size() == 2);

    Harness off(Duration(0));
    off.transport->push(200, kList);
    off.transport->push(200, kList);
    CallStats bypassed;
    REQUIRE(off.list().ok());
    REQUIRE(off.list(&bypassed).ok());
    CHECK(bypassed.cache == CacheOutcome::not_cacheable);
    CHECK(off.transport->requests.size() == 2);
    CHECK_FALSE(fs::exists(off.dir));  // nothing created when off
}

TEST_CASE("an entry older than the longest TTL is removed when it is looked up") {
    Harness h;
    h.transport->push(200, kList);
    REQUIRE(h.list().ok());
    const auto files = [&] {
        int n = 0;
        for (const auto& e : fs::directory_iterator(h.dir + "/skill-groups")) n += e.path().filename().string().size() >= 64;
        return n;
    };
    CHECK(files() == 2);  // the answer and its lock file
    h.wall->now += 25h;
    h.transport->push(404);  // the fetch that follows fails: nothing new is stored
    CHECK_FALSE(h.list().ok());
    CHECK(files() == 1);  // the lock file of the failed fetch; the old answer is gone
}

TEST_CASE("writes, errors and answers over the size bound are never cached") {
    Harness h(30s, 64);
    const auto* create = find_endpoint("skill-groups.create");
    CallArgs body;
    body.body = nlohmann::json{{"name", "Languages"}};
    h.transport->push(200, R"({"id":"sg-1"})");
    h.transport->push(200, R"({"id":"sg-1"})");
    CallStats post;
    REQUIRE(h.client->call(*create, body, &post).ok());
    REQUIRE(h.client->call(*create, body).ok());
    CHECK(post.cache == CacheOutcome::not_cacheable);
    CHECK(h.transport->requests.size() == 2);

    h.transport->push(404, R"({"errors":[{"msg":"no","code":404}]})");
    h.transport->push(404, R"({"errors":[{"msg":"no","code":404}]})");
    CHECK_FALSE(h.list().ok());
    CHECK_FALSE(h.list().ok());
    CHECK(h.transport->requests.size() == 4);

    const std::string big = R"({"skillGroups":[)" + std::string(60, ' ') + "]}";  // over 64 bytes
    h.transport->push(200, big);
    h.transport->push(200, big);
    REQUIRE(h.list().ok());
    REQUIRE(h.list().ok());
    CHECK(h.transport->requests.size() == 6);
}

TEST_CASE("a successful write drops the cached answers of its family, and only those") {
    Harness h;
    const auto list_agents = [&] { return h.client->call(*find_endpoint("agents.list"), {}); };
    h.transport->push(200, kList);
    h.transport->push(200, R"({"agents":[]})");
    REQUIRE(h.list().ok());
    REQUIRE(list_agents().ok());
    h.wall->now += 1s;
    CallArgs del;
    del.params["agentId"] = "a-1";
    h.transport->push(404);  // a failed write changes nothing: the answers stay
    CHECK_FALSE(h.client->call(*find_endpoint("agents.delete"), del).ok());
    REQUIRE(list_agents().ok());
    CHECK(h.transport->requests.size() == 3);
    h.transport->push(200, R"({"id":"a-1"})");
    REQUIRE(h.client->call(*find_endpoint("agents.delete"), del).ok());
    CHECK(h.logged("cache: the cached agents, organizations answers dropped after a write"));
    h.transport->push(200, R"({"agents":[]})");
    REQUIRE(list_agents().ok());  // fetched again
    REQUIRE(h.list().ok());       // another family: still cached
    CHECK(h.transport->requests.size() == 5);
}

TEST_CASE("an answer fetched before a write and stored after it is not used") {
    const auto dir = test::temp_dir() + "/c";
    REQUIRE(prepare_cache_dir(dir).ok());
    detail::CacheStore store(dir, 1024);
    const std::string key(64, 'a');
    REQUIRE(store.save("agents", key, {200, "application/json", "{}", 1000}));
    store.drop("agents", 2000);
    CHECK_FALSE(store.load("agents", key).has_value());  // dropped
    REQUIRE(store.save("agents", key, {200, "application/json", "{}", 1500}));  // a slow read finishing late
    CHECK(store.load("agents", key).has_value());
    CHECK(store.dropped_at("agents") == 2000);  // so the policy refuses it: sent before the write ended
}

TEST_CASE("the key: the same for every JWT, another for another account, header, URL or body") {
    HttpRequest r{"GET", "http://h/agentassist/api/v1/public/st-1/agents", {{"accept", "application/json"}}, ""};
    const auto base = detail::cache_key(r, "acc");
    auto with_auth = r;
    with_auth.headers.emplace_back("auth", "eyJ.a.b");
    with_auth.headers.emplace_back("User-Agent", "curl/8");
    CHECK(detail::cache_key(with_auth, "acc") == base);
    CHECK(detail::cache_key(r, "other") != base);
    auto accept = r;
    accept.headers[0].second = "text/csv";
    CHECK(detail::cache_key(accept, "acc") != base);
    auto url = r;
    url.url += "?limit=5";
    CHECK(detail::cache_key(url, "acc") != base);
    auto body = r;
    body.body = "{}";
    CHECK(detail::cache_key(body, "acc") != base);
    CHECK(base.size() == 64);
}

TEST_CASE("requests are read-only, writes of a family, or neither, as the catalog says") {
    const std::string host = "http://h";
    const auto kind = [&](const std::string& method, const std::string& path) {
        return detail::classify_request(HttpRequest{method, host + path, {}, ""}, host);
    };
    const auto get = kind("GET", "/agentassist/api/v1/public/st-1/agents/a-1");
    CHECK(get.kind == detail::CacheClass::read);
    CHECK(get.family == "agents");
    const auto put = kind("PUT", "/agentassist/api/v1/public/st-1/agents/a-1");
    CHECK(put.kind == detail::CacheClass::write);
    CHECK(put.family == "agents");
    CHECK(put.drops == std::vector<std::string>{"agents", "organizations"});  // agents.list-by-org
    const auto report = kind("POST", "/api/public/bot/st-1/intentrealtimedata");
    CHECK(report.kind == detail::CacheClass::read);  // a POST report the catalog calls read-only
    CHECK(report.family == "intentrealtimedata");
    CHECK(kind("GET", "/api/public/bot/st-1/v2/recordings").family == "recordings");  // the version skipped
    CHECK(kind("POST", "/agentassist/api/v1/public/st-1/campaign/c-1/status?view=status").family == "campaign");
    CHECK(kind("GET", "/not/the/api").kind == detail::CacheClass::other);
    const auto unknown_write = kind("DELETE", "/not/the/api");
    CHECK(unknown_write.kind == detail::CacheClass::write);
    CHECK(unknown_write.family.empty());  // drops every family
    HttpRequest upload{"GET", host + "/agentassist/api/v1/public/st-1/agents/a-1", {}, ""};
    upload.upload_file = "/tmp/x";
    CHECK(detail::classify_request(upload, host).kind == detail::CacheClass::write);
}

namespace {
// A request for `spec` as the CLI would send it: placeholders filled, its fixed query values appended.
HttpRequest request_for(const EndpointSpec& spec, const std::string& host) {
    std::string path(spec.path());
    for (std::size_t open; (open = path.find('{')) != std::string::npos;) path.replace(open, path.find('}', open) - open + 1, "x1");
    std::string query;
    for (const auto& c : spec.const_query()) query += fmt::format("{}{}={}", query.empty() ? "?" : "&", c.name(), c.value());
    return HttpRequest{std::string(spec.method()), host + path + query, {}, ""};
}
// The resource as a person reads the path: the first name after the bot/account/organization id.
std::string resource_of(std::string_view path) {
    const auto owner = path.find('}');
    auto rest = path.substr(owner + 2);
    if ((rest[0] == 'v' || rest[0] == 'V') && std::isdigit(static_cast<unsigned char>(rest[1]))) rest = rest.substr(rest.find('/') + 1);
    return fmt::format("{}", rest.substr(0, std::min(rest.find('/'), rest.size())));
}
}  // namespace

TEST_CASE("every write of the catalog drops every read of its resource and of its group") {
    const std::string host = "http://h";
    std::size_t pairs = 0;
    for (const auto& w : endpoints()) {
        if (w.read_only()) continue;
        const auto write = detail::classify_request(request_for(w, host), host);
        REQUIRE_MESSAGE(write.kind == detail::CacheClass::write, w.id());
        for (const auto& r : endpoints()) {
            if (!r.read_only()) continue;
            const bool same_resource = strcasecmp(resource_of(w.path()).c_str(), resource_of(r.path()).c_str()) == 0;
            if (!same_resource && w.group() != r.group()) continue;
            const auto read = detail::classify_request(request_for(r, host), host);
            REQUIRE_MESSAGE(read.kind == detail::CacheClass::read, r.id());
            CHECK_MESSAGE(std::find(write.drops.begin(), write.drops.end(), read.family) != write.drops.end(),
                          w.id(), " does not drop ", r.id(), " (", read.family, ")");
            ++pairs;
        }
    }
    CHECK(pairs > 100);
}

TEST_CASE("a campaign write drops the campaign answers of every group that reads them") {
    Harness h;
    CallArgs id;
    id.params["campaignId"] = "c-1";
    CallArgs list;
    list.body = nlohmann::json{{"type", "voice"}};
    CallArgs sms_list;
    sms_list.body = nlohmann::json{{"type", "sms"}};
    // Distinct requests (sms-campaigns get is voice-campaigns get's very request).
    const std::vector<std::string> reads = {"voice-campaigns.get", "voice-campaigns.list", "campaigns.list", "campaigns.status"};
    const auto args = [&](const std::string& r) { return r == "campaigns.list" ? sms_list : r.ends_with(".list") ? list : id; };
    for (const auto& r : reads) {
        h.transport->push(200, "{}");
        const auto got = h.client->call(*find_endpoint(r), args(r));
        REQUIRE_MESSAGE(got.ok(), r, ": ", got.error().message);
    }
    h.wall->now += 1s;
    h.transport->push(200, "{}");
    const auto written = h.client->call(*find_endpoint("sms-campaigns.delete"), id);
    REQUIRE_MESSAGE(written.ok(), written.error().message);
    h.wall->now += 1s;
    for (const auto& r : reads) {
        h.transport->push(200, "{}");
        CallStats stats;
        REQUIRE(h.client->call(*find_endpoint(r), args(r), &stats).ok());
        CHECK_MESSAGE(stats.cache == CacheOutcome::miss, r);
    }
    CHECK(h.transport->requests.size() == 2 * reads.size() + 1);
}

TEST_CASE("a truncated, garbage, symlinked, FIFO or shared entry file is a miss, never followed") {
    const auto dir = test::temp_dir() + "/c";
    REQUIRE(prepare_cache_dir(dir).ok());
    detail::CacheStore store(dir, 1024);
    const std::string key(64, 'b');
    REQUIRE(store.save("agents", key, {200, "application/json", R"({"a":1})", 5}));
    const auto path = dir + "/agents/" + key;
    REQUIRE(store.load("agents", key).has_value());
    CHECK(store.load("agents", key)->body == R"({"a":1})");

    const auto encoded = detail::encode_cache_entry({200, "application/json", R"({"a":1})", 5});
    for (const std::string bad : {encoded.substr(0, encoded.size() - 1), encoded + "x", std::string("garbage"),
                                  std::string(""), std::string("ccai-cache 1\n5 200 99999999999999999999\n\n"),
                                  std::string("ccai-cache 1\n5 200 2\ntext/\x01\n{}"), std::string("ccai-cache 1\n-5 200 2\n\n{}"),
                                  std::string("ccai-cache 1\n5 99 2\n\n{}")}) {
        CHECK_FALSE(detail::decode_cache_entry(bad, 1024).has_value());
        std::ofstream(path, std::ios::trunc) << bad;
        CHECK_FALSE(store.load("agents", key).has_value());
    }
    CHECK_FALSE(detail::decode_cache_entry(encoded, 3).has_value());  // over the bound

    std::ofstream(path, std::ios::trunc) << encoded;
    ::chmod(path.c_str(), 0644);
    CHECK_FALSE(store.load("agents", key).has_value());  // others could have written it

    fs::remove(path);
    const auto target = dir + "/elsewhere";
    std::ofstream(target) << encoded;
    ::chmod(target.c_str(), 0600);
    fs::create_symlink(target, path);
    CHECK_FALSE(store.load("agents", key).has_value());
    REQUIRE(store.save("agents", key, {200, "", "{}", 6}));  // replaces the link, never writes through it
    CHECK_FALSE(fs::is_symlink(path));
    std::ifstream in(target);
    CHECK(std::string(std::istreambuf_iterator<char>(in), {}) == encoded);

    fs::remove(path);
    REQUIRE(::mkfifo(path.c_str(), 0600) == 0);
    CHECK_FALSE(store.load("agents", key).has_value());  // does not hang on the FIFO
}

TEST_CASE("a cache directory that is a symlink, not private or not a directory is refused") {
    const auto base = test::temp_dir();
    const auto open = base + "/open";
    fs::create_directory(open);
    ::chmod(open.c_str(), 0755);
    auto r = prepare_cache_dir(open);
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().kind == ErrorKind::config);
    CHECK(r.error().message == "cache: " + open + " may be used by others (mode 755): run chmod 700 " + open);
    const auto link = base + "/link";
    fs::create_directory(base + "/real");
    ::chmod((base + "/real").c_str(), 0700);
    fs::create_directory_symlink(base + "/real", link);
    CHECK_FALSE(prepare_cache_dir(link).ok());
    std::ofstream(base + "/file") << "x";
    CHECK_FALSE(prepare_cache_dir(base + "/file").ok());
    CHECK_FALSE(clear_cache(open).ok());
    const auto fresh = base + "/a/b/ccai";
    REQUIRE(prepare_cache_dir(fresh).ok());
    CHECK((fs::status(fresh).permissions() & fs::perms::all) == fs::perms::owner_all);

    ClientOptions o;
    o.config.set("host", "http://127.0.0.1:1", "test");
    o.config.set("pacer", "memory", "test");
    o.transport = std::make_shared<test::FakeTransport>();
    o.cache = ResponseCacheOptions{.ttl = 30s, .dir = open};
    auto client = Client::create(std::move(o));
    REQUIRE_FALSE(client.ok());
    CHECK(client.error().kind == ErrorKind::config);
}

TEST_CASE("cache clear removes every answer and leaves other files alone") {
    Harness h;
    h.transport->push(200, kList);
    REQUIRE(h.list().ok());
    std::ofstream(h.dir + "/notes.txt") << "mine";
    auto cleared = clear_cache(h.dir);
    REQUIRE(cleared.ok());
    CHECK(*cleared == 1);
    CHECK(fs::is_empty(h.dir + "/skill-groups") == false);  // only the drop marker is left, set to now
    CHECK(std::distance(fs::directory_iterator(h.dir + "/skill-groups"), {}) == 1);
    CHECK(fs::exists(h.dir + "/skill-groups/.dropped"));
    CHECK(fs::exists(h.dir + "/notes.txt"));
    CHECK(*clear_cache(h.dir + "/missing") == 0);
    h.transport->push(200, kList);
    REQUIRE(h.list().ok());
    CHECK(h.transport->requests.size() == 2);
}

namespace {
// Grants at once, and before granting lets `during_wait` run: another process storing the answer meanwhile.
struct WaitingPacer final : Pacer {
    std::function<void()> during_wait;
    int cancelled = 0, completed = 0;
    Result<Duration> acquire() override {
        if (auto f = std::exchange(during_wait, nullptr)) f();
        return Duration(0);
    }
    void complete(bool) override { ++completed; }
    void cancel() override { ++cancelled; }
    void penalize(Duration) override {}
    Duration time_until_free() override { return Duration(0); }
    Result<nlohmann::json> status() override { return nlohmann::json::object(); }
    Result<Unit> reset() override { return Unit{}; }
};
}  // namespace

TEST_CASE("an answer stored while the call waited for the pacer is used, and the slot is given back") {
    auto pacer = std::make_shared<WaitingPacer>();
    Harness waiting(30s, kMaxCacheEntryBytes, pacer);
    // Another process: its own client on the same directory, at the same wall time.
    ResponseCacheOptions same;
    ClientOptions o;
    for (const auto& [k, v] : std::map<std::string, std::string>{
             {"host", "http://127.0.0.1:1"}, {"bot_id", "st-1"}, {"account_id", "acc"}, {"client_id", "cs-1"},
             {"client_secret", "s"}, {"rate_limit", "60/1m"}, {"pacer", "memory"}})
        o.config.set(k, v, "test");
    auto transport = std::make_shared<test::FakeTransport>();
    o.transport = transport;
    o.clock = waiting.clock;
    same.ttl = 30s;
    same.dir = waiting.dir;
    same.wall_clock = [w = waiting.wall] { return w->now; };
    o.cache = same;
    auto process = Client::create(std::move(o));
    REQUIRE(process.ok());
    transport->push(200, kList);
    pacer->during_wait = [&] { REQUIRE(process->call(*find_endpoint("skill-groups.list"), {}).ok()); };
    CallStats stats;
    auto r = waiting.list(&stats);
    REQUIRE(r.ok());
    CHECK(*r == nlohmann::json::parse(kList));
    CHECK(stats.cache == CacheOutcome::hit);
    CHECK(waiting.transport->requests.empty());
    CHECK(pacer->cancelled == 1);
    CHECK(pacer->completed == 0);
    CHECK(transport->requests.size() == 1);
}

TEST_CASE("the lock on a key is exclusive between descriptors, bounded in time, and dropped with its holder") {
    const auto dir = test::temp_dir() + "/c";
    REQUIRE(prepare_cache_dir(dir).ok());
    detail::CacheStore store(dir, 1024);
    test::FakeClock clock;
    const std::string key(64, 'c');
    {
        auto first = store.lock("agents", key, clock, 1s, nullptr);
        REQUIRE(first.held());
        const auto before = clock.now();
        auto second = store.lock("agents", key, clock, 1s, nullptr);
        CHECK_FALSE(second.held());
        CHECK(clock.now() - before >= std::chrono::duration_cast<Duration>(1s));  // waited the bound, then gave up
        Interruption stop;
        stop.requested = true;
        const auto at = clock.now();
        CHECK_FALSE(store.lock("agents", key, clock, 1h, &stop).held());
        CHECK(clock.now() - at <= std::chrono::duration_cast<Duration>(20ms));
    }
    CHECK(store.lock("agents", key, clock, Duration(0), nullptr).held());  // released with its holder
}

TEST_CASE("durations: seconds or units, from the largest down; the cache setting takes 0 to a day") {
    CHECK(parse_duration("30") == std::chrono::duration_cast<Duration>(30s));
    CHECK(parse_duration("5m") == std::chrono::duration_cast<Duration>(5min));
    CHECK(parse_duration("1h30m") == std::chrono::duration_cast<Duration>(90min));
    CHECK(parse_duration("500ms") == std::chrono::duration_cast<Duration>(500ms));
    CHECK(parse_duration("0") == Duration(0));
    for (const char* bad : {"", "-1s", "1e400", "s", "30s5m", "1x", "99999999999h", "1.5.2s"})
        CHECK_FALSE(parse_duration(bad).has_value());
    const auto check = [](const char* v) {
        Config c;
        c.set("cache", v, "flag");
        return validate_settings(c);
    };
    CHECK(check("30s").ok());
    CHECK(check("0").ok());
    CHECK(check("24h").ok());
    const auto too_long = check("25h");
    REQUIRE_FALSE(too_long.ok());
    CHECK(too_long.error().kind == ErrorKind::invalid_input);
    CHECK_FALSE(check("-5s").ok());
    CHECK_FALSE(check("1e400").ok());
}
