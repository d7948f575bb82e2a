#pragma once
// A client with the response cache over a fake transport, a fake monotonic clock and a wall clock the test
// moves, for the cache's tests.
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "ccai/client.hpp"
#include "support/fakes.hpp"
#include "support/process.hpp"

namespace ccai::test::cache {

using namespace std::chrono_literals;

inline const std::string kList = R"({"skillGroups":[{"id":"sg-1"}]})";

struct Wall {
    std::chrono::system_clock::time_point now = std::chrono::system_clock::time_point(std::chrono::hours(480000));
};

struct Harness {
    std::shared_ptr<FakeTransport> transport = std::make_shared<FakeTransport>();
    std::shared_ptr<FakeClock> clock = std::make_shared<FakeClock>();
    std::shared_ptr<Wall> wall = std::make_shared<Wall>();
    std::string dir = temp_dir() + "/cache";
    std::vector<std::string> log;
    std::unique_ptr<Client> client;

    explicit Harness(Duration ttl = 30s, std::size_t max_bytes = kMaxCacheEntryBytes, std::shared_ptr<Pacer> pacer = nullptr,
                     std::string account = "acc", std::map<std::string, std::string> settings = {}) {
        ClientOptions o;
        for (const auto& [k, v] : std::map<std::string, std::string>{
                 {"host", "http://127.0.0.1:1"}, {"bot_id", "st-1"}, {"org_id", "o-1"}, {"account_id", account}, {"client_id", "cs-1"},
                 {"client_secret", "s"}, {"rate_limit", "60/1m"}, {"pacer", "memory"}})
            o.config.set(k, v, "test");
        for (const auto& [k, v] : settings) o.config.set(k, v, "test");
        o.transport = transport;
        o.clock = clock;
        if (pacer) o.pacer = std::move(pacer);
        ResponseCacheOptions cache;
        cache.ttl = ttl;
        cache.dir = dir;
        cache.max_entry_bytes = max_bytes;
        cache.wall_clock = [w = wall] { return w->now; };
        o.cache = cache;
        o.log = [this](const std::string& line) { log.push_back(line); };
        auto made = Client::create(std::move(o));
        if (!made) throw std::runtime_error(made.error().message);
        client = std::make_unique<Client>(std::move(*made));
    }
    Result<nlohmann::json> list(CallStats* stats = nullptr) {
        return client->call(*find_endpoint("skill-groups.list"), {}, stats);
    }
    bool logged(const std::string& line) const { return std::find(log.begin(), log.end(), line) != log.end(); }
};


}  // namespace ccai::test::cache
