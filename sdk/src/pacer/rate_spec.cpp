// Parsing rate-limit specs: "60/1m", "60/1m,1800/1h", "20/2s".
#include <charconv>
#include <limits>
#include <optional>

#include <fmt/format.h>

#include "ccai/defaults.hpp"
#include "ccai/pacer.hpp"

namespace ccai {
namespace {

std::string_view trim(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
    return s;
}

// A positive decimal integer filling the whole of `s`.
std::optional<long long> positive(std::string_view s) {
    long long n = 0;
    const auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), n);
    if (s.empty() || ec != std::errc() || p != s.data() + s.size() || n <= 0) return std::nullopt;
    return n;
}

ApiError bad(std::string_view item, std::string_view why) {
    return invalid_input(fmt::format("invalid rate limit '{}': {} (expected N/WINDOW with units s, m or h, "
                                     "e.g. 60/1m or 60/1m,1800/1h)", item, why));
}

Result<RateWindow> parse_one(std::string_view item) {
    const auto slash = item.find('/');
    if (slash == std::string_view::npos) return bad(item, "missing '/'");
    const auto limit = positive(trim(item.substr(0, slash)));
    if (!limit || *limit > std::numeric_limits<int>::max()) return bad(item, "the count must be a positive integer");
    auto win = trim(item.substr(slash + 1));
    if (win.empty()) return bad(item, "missing window");
    const char unit = win.back();
    const long long mult = unit == 's' ? 1 : unit == 'm' ? 60 : unit == 'h' ? 3600 : 0;
    if (mult == 0) return bad(item, "the window needs a unit s, m or h");
    win.remove_suffix(1);
    // "60/m" means one minute, as people write it.
    const auto n = win.empty() ? std::optional<long long>(1) : positive(win);
    if (!n || *n > 366LL * 24 * 3600 / mult) return bad(item, "the window must be a positive length up to a year");
    return RateWindow{static_cast<int>(*limit), std::chrono::seconds(*n * mult)};
}

}  // namespace

Result<std::vector<RateWindow>> parse_rate_limits(std::string_view spec) {
    std::vector<RateWindow> out;
    if (trim(spec).empty()) return invalid_input("empty rate limit (expected N/WINDOW, e.g. 60/1m)");
    std::string_view rest = spec;
    while (true) {
        const auto comma = rest.find(',');
        auto w = parse_one(trim(rest.substr(0, comma)));
        if (!w) return w.error();
        out.push_back(*w);
        if (comma == std::string_view::npos) break;
        rest.remove_prefix(comma + 1);
    }
    return out;
}

std::vector<RateWindow> default_rate_windows() {
    auto windows = parse_rate_limits(setting_default("rate_limit"));
    return windows ? *windows : std::vector<RateWindow>{};
}

}  // namespace ccai
