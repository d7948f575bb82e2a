#pragma once
// What `GET /metrics` on the proxy serves (Prometheus text format 0.0.4), and the totals `pacer status`
// shows. Counters only ever grow; every label comes from a bounded set, so no client can grow the memory
// they take: an operation is a catalog id or "other", a status an exact code of a fixed list or its class.
#include <array>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>

#include "ccai/clock.hpp"

namespace ccai::cli::proxy {

/// The catalog operation ("skill-groups.list") that `method` on `target` (a path as sent, with or without
/// its query, placeholders filled or not) names; "other" when none does. The most literal path wins; where
/// the path alone cannot tell operations apart, the one whose fixed query values the target carries.
std::string operation_of(std::string_view method, std::string_view target);

/// The status label: the code itself when it is one of the codes the service and the proxy answer with
/// (200, 201, 204, 400, 401, 403, 404, 405, 409, 413, 429, 431, 500, 502, 503, 504, ...), else its class
/// ("2xx".."5xx"), else "other" (not 100-599).
std::string status_label(int status);

/// A Prometheus label value with backslash, double quote and line feed escaped (\\, \", \n).
std::string escape_label_value(std::string_view value);

/// The upper bounds of the pacer-wait histogram's buckets, in seconds (then +Inf).
inline constexpr std::array<double, 14> kWaitBuckets{0.001, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300};

/// The proxy's totals, for the stats file beside the pacer state.
struct MetricsTotals {
    std::uint64_t requests = 0;
    std::uint64_t paced = 0;  ///< requests the proxy took a pacer slot for
    Duration pacer_wait{0};   ///< their waits, summed
    std::uint64_t rejections = 0;
    std::uint64_t retries = 0;
    std::uint64_t cache_hits = 0;
    std::uint64_t cache_misses = 0;
};

/// Thread-safe counters of one proxy.
class ProxyMetrics {
public:
    /// A request the proxy answered (with `status`), for `operation` (operation_of()).
    void count_request(const std::string& operation, int status);
    /// A request the proxy took a pacer slot for: how long it waited for the pacer over all its attempts.
    void observe_pacer_wait(Duration wait);
    /// What the SDK's pipeline saw for a forwarded request (CallStats): its rate-limit rejections, and its
    /// re-sends (attempts after the first).
    void count_attempts(int attempts, int rejections);
    /// A lookup in the response cache: answered from it (`hit`) or not.
    void count_cache(bool hit);

    /// The exposition text (text/plain; version=0.0.4).
    [[nodiscard]] std::string exposition() const;
    [[nodiscard]] MetricsTotals totals() const;

private:
    mutable std::mutex mu_;
    std::map<std::pair<std::string, std::string>, std::uint64_t> requests_;  ///< (operation, status label)
    std::array<std::uint64_t, kWaitBuckets.size()> wait_buckets_{};            ///< not cumulative
    MetricsTotals totals_;
};

}  // namespace ccai::cli::proxy
