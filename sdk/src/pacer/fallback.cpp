// FallbackPacer: a RemotePacer (redis) as a Pacer, degrading to the file pacer when the store goes away.
#include <atomic>
#include <mutex>

#include <fmt/format.h>

#include "ccai/redact.hpp"
#include "pacer/internal.hpp"

namespace ccai::detail {

namespace {

class FallbackPacer final : public Pacer {
public:
    FallbackPacer(std::unique_ptr<RemotePacer> remote, PacerOptions o, std::shared_ptr<Clock> c)
        : remote_(std::move(remote)), o_(std::move(o)), clock_(std::move(c)) {
        secure_clear(o_.redis_password);  // only the redis backend uses it, and keeps its own copy
    }

    // Only an unreachable server degrades; a malformed URL or a refused script is a mistake to report.
    [[nodiscard]] bool may_fall_back(const ApiError& e) const { return o_.fallback == "file" && e.kind == ErrorKind::network; }

    // Moves this process to the file pacer for good (once); the file pacer's error when it cannot be made.
    Result<Pacer*> fall_back(const ApiError& why) {
        std::lock_guard lock(mu_);
        if (!fallback_) {
            // The grants of the last window are in redis, out of reach: starting from an empty file
            // would send a window's worth at once on top of them (the server then rejects).
            auto f = make_file_pacer(o_, clock_, /*unknown_history=*/true);
            if (!f) return f.error();
            log(fmt::format("warning: {}; falling back to the file pacer (this host only)", why.message));
            fallback_ = std::move(*f);
            active_ = fallback_.get();
        }
        return fallback_.get();
    }

    Result<Duration> acquire() override { return acquire_within(Duration::max()); }

    Result<Duration> acquire_within(Duration budget, Priority priority = Priority::interactive) override {
        if (auto* f = active_.load()) return f->acquire_within(budget, priority);
        const auto start = clock_->now();
        auto r = remote_->acquire(budget, priority);
        if (!r) {
            // What the call already waited for redis counts against its budget on the file pacer too.
            const auto left = budget == Duration::max() ? budget : std::max(Duration(0), budget - (clock_->now() - start));
            if (auto* f = degraded(r.error())) return f->acquire_within(left, priority);
        }
        return r;
    }

    void complete(bool answered) override {
        if (auto* f = active_.load()) return f->complete(answered);
        if (auto r = remote_->complete(answered); !r) log(fmt::format("pacer: could not record a completion: {}", r.error().message));
    }

    void cancel() override {
        if (auto* f = active_.load()) return f->cancel();
        if (auto r = remote_->cancel(); !r) log(fmt::format("pacer: could not give a slot back: {}", r.error().message));
    }

    void penalize(Duration pause) override {
        if (auto* f = active_.load()) return f->penalize(pause);
        if (auto r = remote_->penalize(pause); !r) {
            if (auto* f = degraded(r.error())) return f->penalize(pause);
            log(fmt::format("pacer: could not record the penalty: {}", r.error().message));
        }
    }

    Duration time_until_free() override {
        if (auto* f = active_.load()) return f->time_until_free();
        auto r = remote_->time_until_free();
        return r ? *r : Duration(0);
    }

    Result<nlohmann::json> status() override {
        if (auto* f = active_.load()) return f->status();
        return remote_->status();
    }

    Result<Unit> reset() override {
        if (auto* f = active_.load()) return f->reset();
        return remote_->reset();
    }

private:
    Pacer* degraded(const ApiError& e) {
        if (!may_fall_back(e)) return nullptr;
        auto f = fall_back(e);
        return f ? *f : nullptr;
    }
    void log(const std::string& line) const {
        if (o_.log) o_.log(line);
    }

    std::unique_ptr<RemotePacer> remote_;  // null when the store was down from the start
    PacerOptions o_;
    std::shared_ptr<Clock> clock_;
    std::mutex mu_;
    std::unique_ptr<Pacer> fallback_;    // under mu_
    std::atomic<Pacer*> active_{nullptr};  // fallback_ once made: every call goes there
};

}  // namespace

Result<std::unique_ptr<Pacer>> make_fallback_pacer(Result<std::unique_ptr<RemotePacer>> remote, const PacerOptions& o,
                                                   std::shared_ptr<Clock> c) {
    if (remote) return std::unique_ptr<Pacer>(std::make_unique<FallbackPacer>(std::move(*remote), o, std::move(c)));
    auto p = std::make_unique<FallbackPacer>(nullptr, o, std::move(c));
    if (!p->may_fall_back(remote.error())) return remote.error();
    if (auto f = p->fall_back(remote.error()); !f) return f.error();
    return std::unique_ptr<Pacer>(std::move(p));
}

}  // namespace ccai::detail
