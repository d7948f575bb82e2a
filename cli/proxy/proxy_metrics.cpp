// The proxy's counters and their Prometheus text exposition (format 0.0.4).
#include "proxy/proxy_metrics.hpp"

#include <algorithm>
#include <cmath>
#include <set>
#include <vector>

#include <fmt/format.h>

#include "ccai/endpoint.hpp"
#include "ccai/route.hpp"

namespace ccai::cli::proxy {

namespace {

// Go's strconv.FormatFloat(v, 'f', -1), as Prometheus prints numbers: "1", "0.05", "2.5".
std::string number(double v) {
    if (v == std::floor(v) && std::fabs(v) < 1e15) return fmt::format("{}", static_cast<long long>(v));
    return fmt::format("{}", v);
}

std::string seconds(Duration d) { return number(static_cast<double>(d.count()) / 1e6); }

}  // namespace

std::string operation_of(std::string_view method, std::string_view target) {
    const auto q = target.find('?');
    QueryParams query;
    if (q != std::string_view::npos)
        for (std::size_t i = q + 1; i <= target.size();) {
            const auto j = std::min(target.find('&', i), target.size());
            const auto pair = target.substr(i, j - i);
            const auto eq = pair.find('=');
            if (!pair.empty()) query.emplace(std::string(pair.substr(0, eq)), eq == std::string_view::npos ? "" : std::string(pair.substr(eq + 1)));
            i = j + 1;
        }
    // The mock's and the cache's matcher: one reading of the catalog's paths.
    const auto match = match_route(method, target.substr(0, q), query);
    return match.status == 200 && !match.specs.empty() ? std::string(match.specs.front()->id()) : "other";
}

std::string status_label(int status) {
    static const std::set<int> kExact{200, 201, 202, 204, 206, 301, 302, 304, 307, 308, 400, 401, 403, 404, 405,
                                      406, 408, 409, 410, 413, 415, 422, 429, 431, 500, 501, 502, 503, 504};
    if (kExact.contains(status)) return std::to_string(status);
    if (status >= 100 && status <= 599) return fmt::format("{}xx", status / 100);
    return "other";
}

std::string escape_label_value(std::string_view value) {
    std::string out;
    out.reserve(value.size());
    for (const char c : value) {
        if (c == '\\') out += "\\\\";
        else if (c == '"') out += "\\\"";
        else if (c == '\n') out += "\\n";
        else out += c;
    }
    return out;
}

void ProxyMetrics::count_request(const std::string& operation, int status) {
    std::lock_guard lock(mu_);
    ++requests_[{operation, status_label(status)}];
    ++totals_.requests;
}

void ProxyMetrics::observe_pacer_wait(Duration wait) {
    wait = std::max(Duration(0), wait);
    std::lock_guard lock(mu_);
    ++totals_.paced;
    totals_.pacer_wait += wait;
    const double s = static_cast<double>(wait.count()) / 1e6;
    for (std::size_t i = 0; i < kWaitBuckets.size(); ++i)
        if (s <= kWaitBuckets[i]) {
            ++wait_buckets_[i];
            break;
        }
}

void ProxyMetrics::count_attempts(int attempts, int rejections) {
    std::lock_guard lock(mu_);
    totals_.retries += static_cast<std::uint64_t>(std::max(0, attempts - 1));
    totals_.rejections += static_cast<std::uint64_t>(std::max(0, rejections));
}

void ProxyMetrics::count_cache(bool hit) {
    std::lock_guard lock(mu_);
    ++(hit ? totals_.cache_hits : totals_.cache_misses);
}

MetricsTotals ProxyMetrics::totals() const {
    std::lock_guard lock(mu_);
    return totals_;
}

std::string ProxyMetrics::exposition() const {
    std::lock_guard lock(mu_);
    std::string out;
    const auto header = [&](std::string_view name, std::string_view type, std::string_view help) {
        out += fmt::format("# HELP {} {}\n# TYPE {} {}\n", name, help, name, type);
    };
    header("ccai_proxy_requests_total", "counter",
           "Requests the proxy answered, by catalog operation (or other) and status code (or class).");
    for (const auto& [key, n] : requests_)
        out += fmt::format("ccai_proxy_requests_total{{operation=\"{}\",status=\"{}\"}} {}\n",
                           escape_label_value(key.first), escape_label_value(key.second), n);
    header("ccai_proxy_pacer_wait_seconds", "histogram",
           "Time each request the proxy paced waited for the pacer, over all its attempts.");
    std::uint64_t cumulative = 0;
    for (std::size_t i = 0; i < kWaitBuckets.size(); ++i) {
        cumulative += wait_buckets_[i];
        out += fmt::format("ccai_proxy_pacer_wait_seconds_bucket{{le=\"{}\"}} {}\n", number(kWaitBuckets[i]), cumulative);
    }
    out += fmt::format("ccai_proxy_pacer_wait_seconds_bucket{{le=\"+Inf\"}} {}\n", totals_.paced);
    out += fmt::format("ccai_proxy_pacer_wait_seconds_sum {}\n", seconds(totals_.pacer_wait));
    out += fmt::format("ccai_proxy_pacer_wait_seconds_count {}\n", totals_.paced);
    const auto counter = [&](std::string_view name, std::string_view help, std::uint64_t value) {
        header(name, "counter", help);
        out += fmt::format("{} {}\n", name, value);
    };
    counter("ccai_proxy_rejections_total", "Rate-limit rejections (429) the service answered to forwarded requests.",
            totals_.rejections);
    counter("ccai_proxy_retries_total", "Forwarded requests sent again after a rejection or a transient failure.",
            totals_.retries);
    counter("ccai_proxy_cache_hits_total", "Requests answered from the response cache.", totals_.cache_hits);
    counter("ccai_proxy_cache_misses_total", "Cacheable requests the response cache could not answer.",
            totals_.cache_misses);
    return out;
}

}  // namespace ccai::cli::proxy
