// The outermost step: re-sends after a rate-limit rejection (any method: the service rejected it, so it
// did nothing) and after transient failures when that is safe. A rejection penalizes the shared pacer,
// so every process on the account pauses; the next acquire() then does the waiting. max_wait bounds all
// of a call's waiting: the pacer's (stats.pacer_wait) and the pauses between attempts.
#include <algorithm>
#include <cmath>
#include <mutex>
#include <random>

#include <fmt/format.h>

#include "secrets/entropy.hpp"
#include "pipeline/policies.hpp"

namespace ccai::detail {
namespace {

double seconds(Duration d) { return std::chrono::duration<double>(d).count(); }

class RetryPolicy final : public Policy {
public:
    RetryPolicy(RetryOptions o, std::shared_ptr<Pacer> p, std::shared_ptr<Clock> c, std::function<void(const std::string&)> log,
                std::function<void(const RetryNotice&)> on_retry, Interruption* interruption)
        : o_(o), pacer_(std::move(p)), clock_(std::move(c)), log_(std::move(log)), on_retry_(std::move(on_retry)),
          interruption_(interruption), rng_(o.seed ? o.seed : random_u64()) {}

    Result<HttpResponse> send(HttpRequest& req, CallStats& stats, const Next& next) override {
        Progress p{stats, clock_->now()};
        for (p.attempt = 1;; ++p.attempt) {
            stats.attempts = p.attempt;
            auto out = next(req);
            const auto cls = classify(out);
            if (cls == RetryClass::rate_limited) ++stats.rejections;
            if (cls == RetryClass::done) return out;
            if (req.body_source) return sent_once(out, p);
            const bool again = cls == RetryClass::rate_limited ? after_rejection(out, p) : after_failure(req, out, p);
            if (!again) return out;
        }
    }

private:
    struct Progress {
        CallStats& stats;
        TimePoint start;
        int attempt = 0;
        int rejections = 0;
        int failures = 0;
        /// Whether waiting `pause` more would pass the call's budget (the pacer's waits so far included).
        bool over_budget(Duration pause, Duration max_wait) const {
            return stats.pacer_wait + stats.retry_wait + pause > max_wait;
        }
    };

    // A streamed body is gone once sent: the answer goes back as it came. A rejection still pauses the
    // account, as any other does.
    Result<HttpResponse> sent_once(Result<HttpResponse>& out, Progress& p) {
        if (classify(out) == RetryClass::rate_limited) {
            const auto pause = rate_limit_pause(o_, 1, retry_after_of(out), pacer_->time_until_free());
            pacer_->penalize(pause);
            say(fmt::format("rate limited; a streamed body is not re-sent; the account pauses {:.1f}s", seconds(pause)));
        } else {
            gave_up(out, p);
        }
        return out;
    }

    // Rate limited: pause everyone on the account; the pacer's next acquire() waits it out.
    bool after_rejection(Result<HttpResponse>& out, Progress& p) {
        ++p.rejections;
        const auto until_free = pacer_->time_until_free();
        const auto asked = retry_after_of(out);
        auto pause = rate_limit_pause(o_, p.rejections, asked, until_free);
        pause += positive_jitter(pause);
        if (p.attempt >= o_.max_attempts || p.over_budget(pause, o_.max_wait)) {
            out = exhausted(out, p, pause, asked);
            return false;
        }
        const bool pacer_allowed = p.rejections == 1 && until_free == Duration(0);
        if (pacer_allowed)
            say("the service rejected a request the pacer allowed: other clients share the account, or its limit "
                "is lower than the configured rate_limit");
        pacer_->penalize(pause);
        say(fmt::format("rate limited (attempt {}); the account pauses {:.1f}s", p.attempt, seconds(pause)));
        notify(RetryNotice{true, pacer_allowed, out ? out->status : 0, out ? "" : out.error().message, p.attempt + 1,
                           o_.max_attempts, pause});
        return true;
    }

    // Transient: full-jitter backoff, and only when re-sending cannot do the work twice.
    bool after_failure(const HttpRequest& req, Result<HttpResponse>& out, Progress& p) {
        if (!safe_to_resend(req, out)) {
            say(fmt::format("{} failed ({}) and may have reached the server: not re-sent", req.method, describe(out)));
            gave_up(out, p);
            return false;
        }
        ++p.failures;
        const auto pause = std::max(full_jitter(backoff_for(o_, p.failures)), retry_after_of(out));
        if (p.attempt >= o_.max_attempts || p.over_budget(pause, o_.max_wait)) {
            gave_up(out, p);
            return false;
        }
        say(fmt::format("transient failure (attempt {}): {}; retrying in {:.1f}s", p.attempt, describe(out), seconds(pause)));
        notify(RetryNotice{false, false, out ? out->status : 0, out ? "" : out.error().message, p.attempt + 1,
                           o_.max_attempts, pause});
        const auto paused_from = clock_->now();
        const bool slept = sleep_interruptibly(*clock_, paused_from + pause, interruption_);
        p.stats.retry_wait += clock_->now() - paused_from;
        if (!slept) {
            out = interrupted_before_retry(out);
            return false;
        }
        return true;
    }

    // Ctrl-C during the pause before a retry ends the call at once, as it ends a wait for the pacer. The
    // pause only comes when sending again is safe (safe_to_resend), so the call counts as not done: a batch
    // leaves its line for --resume instead of recording a failure.
    static ApiError interrupted_before_retry(const Result<HttpResponse>& last) {
        ApiError e;
        e.kind = ErrorKind::interrupted;
        e.retryable = false;
        e.maybe_reached_server = false;
        e.http_status = last ? last->status : last.error().http_status;
        e.message = fmt::format("interrupted while waiting to retry; the last attempt failed: {}", describe(last));
        return e;
    }

    // A transport error that ends the call after retries says how long they took: its own text ("after
    // 0 ms") speaks of the last attempt only.
    void gave_up(Result<HttpResponse>& out, const Progress& p) {
        if (out || p.attempt < 2) return;
        ApiError e = out.error();
        e.message += fmt::format(" (gave up after {} attempts in {:.1f}s)", p.attempt, seconds(clock_->now() - p.start));
        out = std::move(e);
    }

    Duration positive_jitter(Duration pause) {
        const auto extra = Duration(static_cast<Duration::rep>(static_cast<double>(pause.count()) * o_.jitter_fraction));
        return std::max(Duration(1), o_.jitter_min + random_upto(extra));
    }
    Duration full_jitter(Duration upto) { return random_upto(upto); }
    Duration random_upto(Duration upto) {
        std::lock_guard lock(mu_);
        return Duration(std::uniform_int_distribution<long long>(0, std::max<long long>(0, upto.count()))(rng_));
    }

    static Duration retry_after_of(const Result<HttpResponse>& out) {
        if (!out) return out.error().retry_after.value_or(std::chrono::milliseconds(0));
        const auto now = std::chrono::duration_cast<std::chrono::seconds>(
                             std::chrono::system_clock::now().time_since_epoch()).count();
        return ccai::retry_after_of(*out, now).value_or(std::chrono::milliseconds(0));
    }

    static std::string describe(const Result<HttpResponse>& out) {
        return out ? fmt::format("HTTP {}", out->status) : out.error().message;
    }

    // Gives up: still tells the others to back off, and says when a retry could succeed.
    ApiError exhausted(const Result<HttpResponse>& out, const Progress& p, Duration pause, Duration asked) {
        pacer_->penalize(pause);
        // The pacer caps a pause at max_penalty (a hostile or mistaken Retry-After of a year): the retry time
        // told is the one the account will actually wait.
        const auto until_free = pacer_->time_until_free();
        if (until_free > Duration(0)) pause = std::min(pause, until_free);
        ApiError e = out ? error_from_response(out->status, out->body) : out.error();
        e.kind = ErrorKind::rate_limited;
        e.retry_after = std::chrono::duration_cast<std::chrono::milliseconds>(pause);
        const auto why = p.attempt >= o_.max_attempts
                             ? fmt::format("after {} attempt{}", p.attempt, p.attempt == 1 ? "" : "s")
                             : fmt::format("and waiting again would pass the call's {:.0f}s wait budget (max_wait)", seconds(o_.max_wait));
        e.message = fmt::format("rate limit still exceeded {}{}; retry in {:.0f}s", why,
                                asked > Duration(0) ? fmt::format(" (the service asked to wait {:.0f} s)", seconds(asked)) : "",
                                std::ceil(seconds(pause)));
        say(e.message);
        return e;
    }

    void say(const std::string& line) {
        if (log_) log_(line);
    }
    void notify(const RetryNotice& n) {
        if (on_retry_) on_retry_(n);
    }

    RetryOptions o_;
    std::shared_ptr<Pacer> pacer_;
    std::shared_ptr<Clock> clock_;
    std::function<void(const std::string&)> log_;
    std::function<void(const RetryNotice&)> on_retry_;
    Interruption* interruption_;
    std::mutex mu_;
    std::mt19937_64 rng_;
};

}  // namespace

std::unique_ptr<Policy> make_retry_policy(RetryOptions o, std::shared_ptr<Pacer> p, std::shared_ptr<Clock> c,
                                          std::function<void(const std::string&)> log,
                                          std::function<void(const RetryNotice&)> on_retry, Interruption* interruption) {
    return std::make_unique<RetryPolicy>(o, std::move(p), std::move(c), std::move(log), std::move(on_retry),
                                         interruption);
}

}  // namespace ccai::detail
