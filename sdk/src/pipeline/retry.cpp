// Retry decisions: which outcomes are worth another attempt, and Retry-After parsing.
#include "ccai/retry.hpp"

#include <algorithm>
#include <cctype>
#include <ctime>

namespace ccai {

RetryClass classify(const Result<HttpResponse>& outcome) {
    if (!outcome) {
        const auto k = outcome.error().kind;
        if (k == ErrorKind::network) return outcome.error().retryable ? RetryClass::transient : RetryClass::done;
        // Not retryable: the pacer refused to wait past the call's budget; nothing reached the service.
        if (k == ErrorKind::rate_limited) return outcome.error().retryable ? RetryClass::rate_limited : RetryClass::done;
        return RetryClass::done;
    }
    const int s = outcome->status;
    if (s == 429) return RetryClass::rate_limited;
    // The documented signal is the message, where the service puts errors, in a small body.
    if ((s >= 400 || s == 200) && is_rate_limit_response(s, outcome->body)) return RetryClass::rate_limited;
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
constexpr long long kMaxRetryAfterSeconds = 365LL * 24 * 3600;  // longer answers are clamped to this

bool is_digit(char c) { return std::isdigit(static_cast<unsigned char>(c)) != 0; }

// delay-seconds is 1*DIGIT (RFC 9110); a fraction ("1.5") is tolerated. Read digit by digit, not with
// from_chars<double>: that also took "1e3", "inf" and "nan", and it was all ccai-cli loaded libm for.
std::optional<std::chrono::milliseconds> parse_delay_seconds(std::string_view v) {
    constexpr long long kMaxMs = kMaxRetryAfterSeconds * 1000;
    long long ms = 0;
    std::size_t i = 0;
    for (; i < v.size() && is_digit(v[i]); ++i) ms = std::min(ms * 10 + (v[i] - '0') * 1000, kMaxMs);
    if (i == 0) return std::nullopt;
    if (i < v.size() && v[i] == '.') {
        const std::size_t first = ++i;
        for (long long unit = 100; i < v.size() && is_digit(v[i]); ++i, unit /= 10) ms += (v[i] - '0') * unit;
        if (i == first) return std::nullopt;
    }
    if (i != v.size()) return std::nullopt;
    return std::chrono::milliseconds(std::min(ms, kMaxMs));
}

// IMF-fixdate, the HTTP-date form servers send: "Sun, 06 Nov 1994 08:49:37 GMT".
std::optional<long long> parse_http_date(std::string_view v) {
    std::tm tm{};
    const std::string s(v);
    const char* end = strptime(s.c_str(), "%a, %d %b %Y %H:%M:%S GMT", &tm);
    if (end == nullptr || *end != '\0') return std::nullopt;
    return static_cast<long long>(timegm(&tm));
}
}  // namespace

std::optional<std::chrono::milliseconds> parse_retry_after(std::string_view v, long long now_epoch_seconds) {
    while (!v.empty() && v.front() == ' ') v.remove_prefix(1);
    while (!v.empty() && v.back() == ' ') v.remove_suffix(1);
    if (v.empty()) return std::nullopt;
    if (is_digit(v.front())) return parse_delay_seconds(v);
    const auto at = parse_http_date(v);
    if (!at) return std::nullopt;
    const long long delta = std::clamp(*at - now_epoch_seconds, 0LL, kMaxRetryAfterSeconds);
    return std::chrono::milliseconds(delta * 1000);
}

std::optional<std::chrono::milliseconds> retry_after_of(const HttpResponse& response, long long now_epoch_seconds) {
    const auto server_now = parse_http_date(response.header("date"));
    return parse_retry_after(response.header("retry-after"), server_now.value_or(now_epoch_seconds));
}

}  // namespace ccai
