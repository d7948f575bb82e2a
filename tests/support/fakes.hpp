#pragma once
// Fakes for unit tests: a clock that moves only when slept on, a transport that answers from a script.
#include <deque>
#include <functional>
#include <mutex>
#include <stdexcept>
#include <vector>

#include "ccai/client.hpp"
#include "ccai/clock.hpp"
#include "ccai/http.hpp"
#include "ccai/pacer.hpp"

namespace ccai::test {

/// Time advances only through sleep_for/advance, so tests check waits exactly and never sleep.
class FakeClock final : public Clock {
public:
    TimePoint now() override {
        std::lock_guard l(mu_);
        return now_;
    }
    void sleep_for(Duration d) override {
        std::lock_guard l(mu_);
        if (d > Duration::zero()) {
            now_ += d;
            slept_ += d;
        }
    }
    void advance(Duration d) { sleep_for(d); }
    Duration slept() {
        std::lock_guard l(mu_);
        return slept_;
    }

private:
    std::mutex mu_;
    TimePoint now_{std::chrono::hours(1000)};
    Duration slept_{0};
};

/// Records every request; answers with the queued responses (then with `fallback`).
class FakeTransport final : public Transport {
public:
    Result<HttpResponse> perform(const HttpRequest& r) override {
        std::lock_guard l(mu_);
        requests.push_back(r);
        if (!queue.empty()) {
            auto out = queue.front();
            queue.pop_front();
            return out;
        }
        return fallback;
    }
    void push(int status, std::string body = "{}", std::map<std::string, std::string> headers = {}) {
        queue.emplace_back(HttpResponse{status, std::move(headers), std::move(body)});
    }
    void push_error(ApiError e) { queue.emplace_back(std::move(e)); }

    std::vector<HttpRequest> requests;
    std::deque<Result<HttpResponse>> queue;
    Result<HttpResponse> fallback = HttpResponse{200, {}, "{}"};

private:
    std::mutex mu_;
};

/// Grants every slot at once: for tests about something other than pacing.
class NullPacer final : public Pacer {
public:
    Result<Duration> acquire() override { return Duration{0}; }
    void penalize(Duration) override {}
    Duration time_until_free() override { return Duration{0}; }
    Result<nlohmann::json> status() override { return nlohmann::json::object(); }
    Result<Unit> reset() override { return Unit{}; }
};

/// The whole client pipeline over a FakeTransport and a FakeClock: no I/O, no sleeps. `settings` are the
/// config values the test's expectations use; without `pacer`, the one the settings name.
struct FakeClient {
    std::shared_ptr<FakeTransport> transport = std::make_shared<FakeTransport>();
    std::shared_ptr<FakeClock> clock = std::make_shared<FakeClock>();
    std::unique_ptr<Client> client;

    FakeClient(std::initializer_list<std::pair<const char*, const char*>> settings, RetryOptions retry,
               std::shared_ptr<Pacer> pacer = std::make_shared<NullPacer>()) {
        ClientOptions o;
        for (const auto& [k, v] : settings) o.config.set(k, v, "test");
        o.transport = transport;
        o.clock = clock;
        o.pacer = std::move(pacer);
        o.retry = retry;
        auto c = Client::create(std::move(o));
        if (!c) throw std::runtime_error("FakeClient: " + c.error().message);
        client = std::move(*c);
    }
};

}  // namespace ccai::test
