// Retry decisions: which outcomes are worth another attempt, and Retry-After parsing.
#include "ccai/retry.hpp"

#include <algorithm>
#include <charconv>
#include <ctime>

namespace ccai {

RetryClass classify(const Result<HttpResponse>& outcome) {
    if (!outcome) {
        const auto k = outcome.error().kind;
        if (k == ErrorKind::network) return RetryClass::transient;
        if (k == ErrorKind::rate_limited) return RetryClass::rate_limited;
        return RetryClass::done;
    }
    const int s = outcome->status;
    if (s == 429) return RetryClass::rate_limited;
    // The documented signal is the message; check it only on small bodies (a list of records can't be one).
    if (outcome->body.size() < 4096 && is_rate_limit_message(outcome->body) && (s >= 400 || s == 200))
        return RetryClass::rate_limited;
    if (s == 502 || s == 503 || s == 504) return RetryClass::transient;
    return RetryClass::done;
}

Duration backoff_for(const RetryOptions& o, int attempt) {
    auto d = o.base;
    for (int i = 1; i < attempt && d < o.cap; ++i) d *= 2;
    return std::min(d, o.cap);
}

Duration rate_limit_pause(const RetryOptions& o, int rejection, Duration retry_after, Duration until_free) {
    return std::max({backoff_for(o, rejection), retry_after, until_free});
}

bool safe_to_resend(const HttpRequest& request, const Result<HttpResponse>& outcome) {
    if (request.idempotent()) return true;
    return !outcome && !outcome.error().maybe_reached_server;
}

namespace {
constexpr double kMaxRetryAfterSeconds = 365.0 * 24 * 3600;  // longer answers are clamped to this
}  // namespace

std::optional<std::chrono::milliseconds> parse_retry_after(std::string_view v, long long now_epoch_seconds) {
    while (!v.empty() && v.front() == ' ') v.remove_prefix(1);
    while (!v.empty() && v.back() == ' ') v.remove_suffix(1);
    if (v.empty()) return std::nullopt;
    double secs = 0;
    if (auto [p, ec] = std::from_chars(v.data(), v.data() + v.size(), secs); ec == std::errc() && p == v.data() + v.size()) {
        // NaN/inf/huge values made the cast below undefined (fuzz_retry_after); a year is plenty.
        if (!(secs >= 0)) return std::nullopt;
        return std::chrono::milliseconds(static_cast<long long>(std::min(secs, kMaxRetryAfterSeconds) * 1000));
    }
    // HTTP-date (IMF-fixdate): "Sun, 06 Nov 1994 08:49:37 GMT"
    std::tm tm{};
    const std::string s(v);
    const char* end = strptime(s.c_str(), "%a, %d %b %Y %H:%M:%S GMT", &tm);
    if (end == nullptr || *end != '\0') return std::nullopt;
    const long long at = timegm(&tm);
    const long long delta = std::clamp(at - now_epoch_seconds, 0LL, static_cast<long long>(kMaxRetryAfterSeconds));
    return std::chrono::milliseconds(delta * 1000);
}

}  // namespace ccai
