// make_pacer: picks the backend the options name; redis may degrade to the file backend (fallback.cpp).
#include <algorithm>

#include <fmt/format.h>

#include "pacer/internal.hpp"

namespace ccai {

Result<std::unique_ptr<Pacer>> make_pacer(const PacerOptions& options, std::shared_ptr<Clock> clock) {
    if (options.windows.empty()) return invalid_input("pacer: no rate limit windows");
    for (const auto& w : options.windows)
        if (w.limit <= 0 || w.window <= Duration(0)) return invalid_input("pacer: rate limit windows must be positive");
    if (options.margin < 0 || options.margin > 1) return invalid_input("pacer: margin must be between 0 and 1");
    if (options.max_penalty <= Duration(0)) return invalid_input("pacer: max_penalty must be positive");
    // Not !(x >= 0 && x <= 0.5) spelled the other way round: NaN fails every comparison and must be refused.
    if (!(options.bulk_min_share >= 0 && options.bulk_min_share <= 0.5))
        return invalid_input("pacer: bulk_min_share must be between 0 and 0.5 (a share of each window)");
    if (options.burst < 0) return invalid_input("pacer: burst must be a positive number of calls (0: the default)");
    int smallest = options.windows.front().limit;
    for (const auto& w : options.windows) smallest = std::min(smallest, w.limit);
    // A burst the windows cannot hold would only be cut short by them: almost surely a typo.
    if (options.burst > smallest)
        return invalid_input(fmt::format("pacer: burst {} is more than the rate limit allows in a window ({}): at most {}",
                                         options.burst, smallest, smallest));
    const auto& b = options.backend;
    if (b == "memory") return detail::make_memory_pacer(options, std::move(clock));
    if (b.empty() || b == "file") return detail::make_file_pacer(options, std::move(clock));
    if (const auto why = detail::redis_url_refusal(b); !why.empty()) return config_error(fmt::format("pacer: {}", why));
    if (b.rfind("redis://", 0) == 0) return detail::make_fallback_pacer(detail::make_redis_pacer(options, clock), options, clock);
    return config_error(fmt::format("unknown pacer '{}' (expected file, memory or redis://HOST:PORT[/DB])", b));
}

}  // namespace ccai
