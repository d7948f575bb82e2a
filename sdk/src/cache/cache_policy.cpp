// The response cache as the pipeline's first step. A read-only request is looked up; on a miss it takes the
// key's lock (so identical requests of every process make one call), looks again, and goes down the chain;
// once the pacer grants its slot it looks a last time (the wait may have been long) and, on a hit, gives
// the slot back. A 200 answer within the size bound is stored. A successful write drops its family.
#include <fmt/format.h>

#include "cache/cache_key.hpp"
#include "cache/cache_store.hpp"
#include "pipeline/policies.hpp"

namespace ccai::detail {

namespace {

std::int64_t to_ms(std::chrono::system_clock::time_point t) {
    return std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
}

class CachePolicy final : public Policy {
public:
    CachePolicy(ResponseCacheOptions o, std::string base_url, std::string scope, std::shared_ptr<Clock> clock,
                std::function<void(const std::string&)> log, Interruption* interruption)
        : o_(std::move(o)), store_(o_.dir, o_.max_entry_bytes), base_url_(std::move(base_url)), scope_(std::move(scope)),
          clock_(std::move(clock)), log_(std::move(log)), interruption_(interruption) {
        if (!o_.wall_clock) o_.wall_clock = [] { return std::chrono::system_clock::now(); };
    }

    Result<HttpResponse> send(HttpRequest& req, CallStats& stats, const Next& next) override {
        const auto what = classify_request(req, base_url_);
        if (what.kind == CacheClass::write) {
            auto response = next(req);
            if (response && response->status >= 200 && response->status < 300) {
                store_.drop(what.family, now_ms());
                log(what.family.empty() ? "cache: a write outside the catalog: every cached answer dropped"
                                        : fmt::format("cache: the cached {} answers dropped after a write", what.family));
            }
            return response;
        }
        if (what.kind != CacheClass::read || o_.ttl <= Duration(0)) return next(req);
        const auto key = cache_key(req, scope_);
        stats.cache = CacheOutcome::miss;
        if (auto hit = lookup(what.family, key, stats)) return std::move(*hit);
        const auto lock = store_.lock(what.family, key, *clock_, o_.lock_wait, interruption_);
        if (lock.held())
            if (auto hit = lookup(what.family, key, stats)) return std::move(*hit);  // another process fetched it
        std::int64_t sent_ms = now_ms();
        stats.after_grant = [&]() -> std::optional<HttpResponse> {
            sent_ms = now_ms();  // the answer is at least as new as this
            return lookup(what.family, key, stats);
        };
        auto response = next(req);
        stats.after_grant = nullptr;
        if (stats.cache == CacheOutcome::hit) return response;
        log("cache miss");
        if (response && response->status == 200 && response->body.size() <= o_.max_entry_bytes) {
            CacheEntry e{200, response->header("content-type"), response->body, sent_ms};
            if (!store_.save(what.family, key, e)) log("cache: the answer could not be stored");
        }
        return response;
    }

private:
    std::int64_t now_ms() const { return to_ms(o_.wall_clock()); }
    void log(const std::string& line) const {
        if (log_) log_(line);
    }

    // A stored answer younger than the TTL whose request went out after the family's last write.
    std::optional<HttpResponse> lookup(const std::string& family, const std::string& key, CallStats& stats) const {
        auto e = store_.load(family, key);
        if (!e) return std::nullopt;
        const auto age = std::chrono::milliseconds(now_ms() - e->sent_ms);
        // Past the longest TTL anyone may set: no process can use it, so it goes (entries are removed no
        // other way than by writes and `cache clear`).
        if (age > std::chrono::hours(24)) {
            store_.remove(family, key);
            return std::nullopt;
        }
        // An entry from the future (the wall clock was set back) is as unknown as a stale one.
        if (age < std::chrono::milliseconds(0) || age >= o_.ttl || e->sent_ms <= store_.dropped_at(family))
            return std::nullopt;
        stats.cache = CacheOutcome::hit;
        stats.cache_age = std::chrono::duration_cast<Duration>(age);
        const auto seconds = std::chrono::duration_cast<std::chrono::seconds>(age).count();
        log(fmt::format("cache hit (age {}s)", seconds));
        HttpResponse r{e->status, {}, std::move(e->body)};
        if (!e->content_type.empty()) r.headers["content-type"] = e->content_type;
        r.headers["age"] = std::to_string(seconds);
        return r;
    }

    ResponseCacheOptions o_;
    CacheStore store_;
    std::string base_url_;
    std::string scope_;
    std::shared_ptr<Clock> clock_;
    std::function<void(const std::string&)> log_;
    Interruption* interruption_;
};

}  // namespace

std::unique_ptr<Policy> make_cache_policy(ResponseCacheOptions options, std::string base_url, std::string scope,
                                          std::shared_ptr<Clock> clock, std::function<void(const std::string&)> log,
                                          Interruption* interruption) {
    return std::make_unique<CachePolicy>(std::move(options), std::move(base_url), std::move(scope), std::move(clock),
                                         std::move(log), interruption);
}

}  // namespace ccai::detail
