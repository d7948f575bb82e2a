#pragma once
// Fakes for unit tests: a clock that moves only when slept on, a transport that answers from a script.
#include <deque>
#include <optional>
#include <string>
#include <functional>
#include <mutex>
#include <stdexcept>
#include <vector>

#include <doctest/doctest.h>

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
            if (ctrl_c_) ctrl_c_->requested = true;
        }
    }
    /// Every later sleep asks `in` for an interruption, as Ctrl-C during that wait would.
    void ctrl_c_when_sleeping(Interruption* in) {
        std::lock_guard l(mu_);
        ctrl_c_ = in;
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
    Interruption* ctrl_c_ = nullptr;
};

/// Records every request and answers with the queued stubs, in order. A request with no stub left fails the
/// test, unless the test set `fallback` (answer_all): the code under test sent more requests than the test
/// says. A stub still queued when the transport is destroyed fails it too: it sent fewer.
class FakeTransport final : public Transport {
public:
    FakeTransport() = default;
    FakeTransport(const FakeTransport&) = delete;
    FakeTransport& operator=(const FakeTransport&) = delete;
    ~FakeTransport() override {
        // Reported here rather than in perform(), which may run on a worker thread.
        for (const auto& what : unexpected_) FAIL_CHECK("FakeTransport: request with no stub: " << what);
        if (!queue.empty()) FAIL_CHECK("FakeTransport: " << queue.size() << " stub(s) never requested");
    }

    Result<HttpResponse> perform(const HttpRequest& r) override {
        std::lock_guard l(mu_);
        requests.push_back(r);
        if (!queue.empty()) {
            auto out = queue.front();
            queue.pop_front();
            return out;
        }
        if (fallback) return *fallback;
        unexpected_.push_back(r.method + " " + r.url);
        ApiError e;
        e.message = "FakeTransport: no stub for " + r.method + " " + r.url;
        return e;
    }
    void push(int status, std::string body = "{}", std::map<std::string, std::string> headers = {}) {
        queue.emplace_back(HttpResponse{status, std::move(headers), std::move(body)});
    }
    void push_error(ApiError e) { queue.emplace_back(std::move(e)); }
    /// Every request after the queued stubs gets this answer: for tests where the number of requests is not
    /// the point.
    void answer_all(int status, std::string body = "{}") { fallback = Result<HttpResponse>(HttpResponse{status, {}, std::move(body)}); }

    std::vector<HttpRequest> requests;
    std::deque<Result<HttpResponse>> queue;
    std::optional<Result<HttpResponse>> fallback;

private:
    std::mutex mu_;
    std::vector<std::string> unexpected_;
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
               std::shared_ptr<Pacer> pacer = std::make_shared<NullPacer>(), Interruption* interruption = nullptr) {
        ClientOptions o;
        o.interruption = interruption;
        for (const auto& [k, v] : settings) o.config.set(k, v, "test");
        o.transport = transport;
        o.clock = clock;
        o.pacer = std::move(pacer);
        o.retry = retry;
        auto c = Client::create(std::move(o));
        if (!c) throw std::runtime_error("FakeClient: " + c.error().message);
        client = std::make_unique<Client>(std::move(*c));
    }
};

}  // namespace ccai::test
