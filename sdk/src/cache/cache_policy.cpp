// The response cache as the pipeline's first step. A read-only request is looked up; on a miss it takes the
// key's lock (so identical requests of every process make one call), looks again, and goes down the chain;
// once the pacer grants its slot it looks a last time (the wait may have been long) and, on a hit, gives
// the slot back. A 200 answer within the size bound is stored. A write that may have changed something
// drops the answers of its resource (CacheClass::drops).
#include <cctype>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "cache/cache_key.hpp"
#include "cache/cache_store.hpp"
#include "pipeline/policies.hpp"

namespace ccai::detail {

namespace {

std::string lower(std::string_view s) {
    std::string out(s);
    for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

// `directive` as one of the comma-separated directives of a Cache-Control value (lower-cased).
bool has_directive(std::string_view value, std::string_view directive) {
    for (std::string_view rest = value; !rest.empty();) {
        const auto comma = std::min(rest.find(','), rest.size());
        auto item = rest.substr(0, comma);
        while (!item.empty() && (item.front() == ' ' || item.front() == '\t')) item.remove_prefix(1);
        while (!item.empty() && (item.back() == ' ' || item.back() == '\t')) item.remove_suffix(1);
        if (item == directive) return true;
        rest.remove_prefix(std::min(comma + 1, rest.size()));
    }
    return false;
}

std::int64_t to_ms(std::chrono::system_clock::time_point t) {
    return std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
}

class CachePolicy final : public Policy {
public:
    CachePolicy(ResponseCacheOptions o, std::string base_url, std::string scope, std::shared_ptr<Clock> clock,
                std::function<void(const std::string&)> log, Interruption* interruption, Duration max_wait)
        : o_(std::move(o)), store_(o_.dir, o_.max_entry_bytes), base_url_(std::move(base_url)), scope_(std::move(scope)),
          clock_(std::move(clock)), log_(std::move(log)), interruption_(interruption), max_wait_(max_wait) {
        if (!o_.wall_clock) o_.wall_clock = [] { return std::chrono::system_clock::now(); };
    }

    Result<HttpResponse> send(HttpRequest& req, CallStats& stats, const Next& next) override {
        const auto what = classify_request(req, base_url_);
        if (what.kind == CacheClass::write) {
            auto response = next(req);
            // Dropped unless the write surely changed nothing (a 4xx): after a transport error, a timeout or
            // a 5xx it may have been applied.
            if (!response || response->status < 300 || response->status >= 500) {
                if (what.drops.empty()) store_.drop("", now_ms());
                for (const auto& family : what.drops) store_.drop(family, now_ms());
                log(what.drops.empty() ? "cache: a write outside the catalog: every cached answer dropped"
                                       : fmt::format("cache: the cached {} answers dropped after a write",
                                                     fmt::join(what.drops, ", ")));
            }
            return response;
        }
        if (what.kind != CacheClass::read || o_.ttl <= Duration(0)) return next(req);
        // A client's Cache-Control (through the proxy, or -H): no-cache asks the service but may refresh
        // the entry; no-store keeps nothing either.
        const auto control = lower(req.header("cache-control"));
        const bool no_store = has_directive(control, "no-store");
        const bool no_cache = no_store || has_directive(control, "no-cache");
        const auto key = cache_key(req, scope_, what.headers);
        stats.cache = CacheOutcome::miss;
        std::optional<CacheStore::Lock> lock;
        if (!no_cache) {
            if (auto hit = lookup(what.family, key, stats)) return std::move(*hit);
            lock.emplace(take_lock(what.family, key, stats));
            if (lock->held())
                if (auto hit = lookup(what.family, key, stats)) return std::move(*hit);  // another process fetched it
        }
        std::int64_t sent_ms = now_ms();
        if (!no_cache)
            stats.after_grant = [&]() -> std::optional<HttpResponse> {
                sent_ms = now_ms();  // the answer is at least as new as this
                return lookup(what.family, key, stats);
            };
        auto response = next(req);
        stats.after_grant = nullptr;
        if (stats.cache == CacheOutcome::hit) return response;
        log(no_cache ? "cache: not looked up (Cache-Control)" : "cache miss");
        if (!no_store && response && response->status == 200 && response->body.size() <= o_.max_entry_bytes) {
            CacheEntry e{200, response->header("content-type"), response->body, sent_ms};
            if (!store_.save(what.family, key, e)) log("cache: the answer could not be stored");
            SweepLimits limits;
            limits.lock_ms = std::chrono::duration_cast<std::chrono::milliseconds>(o_.lock_wait).count();
            store_.sweep(now_ms(), limits);
        }
        return response;
    }

private:
    // Waits for an identical request of another process; the wait counts in the call's budget (max_wait),
    // as a pacer wait does, so the pacer gets only what is left.
    CacheStore::Lock take_lock(const std::string& family, const std::string& key, CallStats& stats) {
        const auto left = std::max(Duration(0), max_wait_ - stats.pacer_wait - stats.retry_wait);
        const auto started = clock_->now();
        auto lock = store_.lock(family, key, *clock_, std::min(o_.lock_wait, left), interruption_,
                                [this] { log("cache: waiting for an identical request in progress"); });
        stats.pacer_wait += clock_->now() - started;
        return lock;
    }

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
    Duration max_wait_;
};

}  // namespace

std::unique_ptr<Policy> make_cache_policy(ResponseCacheOptions options, std::string base_url, std::string scope,
                                          std::shared_ptr<Clock> clock, std::function<void(const std::string&)> log,
                                          Interruption* interruption, Duration max_wait) {
    return std::make_unique<CachePolicy>(std::move(options), std::move(base_url), std::move(scope), std::move(clock),
                                         std::move(log), interruption, max_wait);
}

}  // namespace ccai::detail
