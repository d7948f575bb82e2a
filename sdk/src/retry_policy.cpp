// The outermost step: re-sends after a rate-limit rejection (any method: the service rejected it, so it
// did nothing) and after transient failures when that is safe. A rejection penalizes the shared pacer,
// so every process on the account pauses; the next acquire() then does the waiting.
#include <algorithm>
#include <mutex>
#include <random>

#include <fmt/format.h>

#include "policies.hpp"

namespace ccai::detail {
namespace {

class RetryPolicy final : public Policy {
public:
    RetryPolicy(RetryOptions o, std::shared_ptr<Pacer> p, std::shared_ptr<Clock> c, std::function<void(const std::string&)> log)
        : o_(o), pacer_(std::move(p)), clock_(std::move(c)), log_(std::move(log)),
          rng_(o.seed ? o.seed : std::random_device{}()) {}

    Result<HttpResponse> send(HttpRequest& req, const Next& next) override {
        Duration waited{0};
        for (int attempt = 1;; ++attempt) {
            if (auto* s = current_stats()) s->attempts = attempt;
            auto out = next(req);
            const auto cls = classify(out);
            if (cls == RetryClass::done) return out;
            const auto backoff = backoff_for(attempt);
            if (cls == RetryClass::rate_limited) {
                const auto retry_after = retry_after_of(out);
                auto pause = std::max({backoff, pacer_->time_until_free(), retry_after});
                pause += jitter(pause / 10 + Duration(std::chrono::milliseconds(100)));
                if (attempt >= o_.max_attempts || waited + pause > o_.max_wait) return exhausted(out, attempt, pause);
                pacer_->penalize(pause);
                waited += pause;
                say(fmt::format("rate limited (attempt {}); the account pauses {:.1f}s", attempt, seconds(pause)));
                continue;  // the pacer's acquire() waits out the penalty
            }
            if (!safe_to_resend(req, out)) return out;  // a POST that may have reached the server: never re-sent
            const auto pause = jitter(backoff);  // full jitter
            if (attempt >= o_.max_attempts || waited + pause > o_.max_wait) return out;
            say(fmt::format("transient failure (attempt {}): {}; retrying in {:.1f}s", attempt, describe(out), seconds(pause)));
            waited += pause;
            if (auto* s = current_stats()) s->retry_wait += pause;
            clock_->sleep_for(pause);
        }
    }

private:
    static double seconds(Duration d) { return std::chrono::duration<double>(d).count(); }

    Duration backoff_for(int attempt) const {
        auto d = o_.base;
        for (int i = 1; i < attempt && d < o_.cap; ++i) d *= 2;
        return std::min(d, o_.cap);
    }

    Duration jitter(Duration upto) {
        std::lock_guard lock(mu_);
        return Duration(std::uniform_int_distribution<long long>(0, std::max<long long>(0, upto.count()))(rng_));
    }

    static Duration retry_after_of(const Result<HttpResponse>& out) {
        if (!out) return out.error().retry_after.value_or(std::chrono::milliseconds(0));
        const auto now = std::chrono::duration_cast<std::chrono::seconds>(
                             std::chrono::system_clock::now().time_since_epoch()).count();
        return parse_retry_after(out->header("retry-after"), now).value_or(std::chrono::milliseconds(0));
    }

    static std::string describe(const Result<HttpResponse>& out) {
        return out ? fmt::format("HTTP {}", out->status) : out.error().message;
    }

    Result<HttpResponse> exhausted(const Result<HttpResponse>& out, int attempts, Duration pause) {
        pacer_->penalize(pause);  // others should still back off, even though this call gives up
        ApiError e = out ? error_from_response(out->status, out->body) : out.error();
        e.kind = ErrorKind::rate_limited;
        e.retry_after = std::chrono::duration_cast<std::chrono::milliseconds>(pause);
        e.message = fmt::format("rate limit still exceeded after {} attempt{}; retry in {:.0f}s", attempts,
                                attempts == 1 ? "" : "s", std::ceil(seconds(pause)));
        return e;
    }

    void say(const std::string& line) {
        if (log_) log_(line);
    }

    RetryOptions o_;
    std::shared_ptr<Pacer> pacer_;
    std::shared_ptr<Clock> clock_;
    std::function<void(const std::string&)> log_;
    std::mutex mu_;
    std::mt19937_64 rng_;
};

}  // namespace

std::unique_ptr<Policy> make_retry_policy(RetryOptions o, std::shared_ptr<Pacer> p, std::shared_ptr<Clock> c,
                                          std::function<void(const std::string&)> log) {
    return std::make_unique<RetryPolicy>(o, std::move(p), std::move(c), std::move(log));
}

}  // namespace ccai::detail
