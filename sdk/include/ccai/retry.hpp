#pragma once
/// @file retry.hpp
/// @brief When and how long to wait before re-sending: rate-limit rejections and transient failures.

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "ccai/clock.hpp"
#include "ccai/defaults.hpp"
#include "ccai/error.hpp"
#include "ccai/http.hpp"

namespace ccai {

struct RetryOptions {
    int max_attempts = static_cast<int>(setting_default_number("max_attempts"));  ///< attempts in all, the first included
    Duration max_wait = setting_default_duration("max_wait");  ///< total time a call may spend waiting to retry
    Duration base = std::chrono::seconds(1);      ///< exponential backoff: base x 2^n ...
    Duration cap = std::chrono::seconds(60);      ///< ... capped here
    std::uint64_t seed = 0;                       ///< jitter seed (0 = random)
    /// After a rate-limit rejection the pause gets POSITIVE jitter in [jitter_min, jitter_min + pause x
    /// jitter_fraction], so processes rejected together do not all come back in the same instant.
    Duration jitter_min = std::chrono::milliseconds(100);
    double jitter_fraction = 0.1;
};

/// @brief The pause after the n-th rate-limit rejection (n from 1), before jitter:
/// max(Retry-After, time until the pacer sees a free slot, base x 2^(n-1) capped at `cap`).
Duration rate_limit_pause(const RetryOptions& o, int rejection, Duration retry_after, Duration until_free);

/// @brief Exponential backoff base x 2^(attempt-1), capped.
Duration backoff_for(const RetryOptions& o, int attempt);

/// @brief What to do with the outcome of one attempt.
enum class RetryClass {
    done,          ///< success or a final error
    rate_limited,  ///< 429 / the rate-limit message: wait, then re-send (any method)
    transient,     ///< 502/503/504, timeout, connection error: re-send only when safe
};

/// @brief Classifies an attempt's outcome.
RetryClass classify(const Result<HttpResponse>& outcome);

/// @brief True when the outcome may be re-sent: idempotent method, or the request never reached the server.
bool safe_to_resend(const HttpRequest& request, const Result<HttpResponse>& outcome);

/// @brief Parses Retry-After: delta-seconds or an HTTP-date (relative to `now_epoch_seconds`).
std::optional<std::chrono::milliseconds> parse_retry_after(std::string_view value, long long now_epoch_seconds);

/// @brief A response's Retry-After as a delay. An HTTP-date is read against the response's own `Date`
/// header when it has a valid one: both come from the server's clock, which may differ from ours by more
/// than the delay. Without one, against `now_epoch_seconds`.
std::optional<std::chrono::milliseconds> retry_after_of(const HttpResponse& response, long long now_epoch_seconds);

/// @brief A retry about to happen, for a person watching (ClientOptions::on_retry).
struct RetryNotice {
    bool rejected = false;       ///< the service rate-limited the call (else a transient failure)
    bool pacer_allowed = false;  ///< rejected though the pacer saw room: others share the account, or its
                                 ///< limit is lower than the configured rate_limit
    int status = 0;              ///< the answer's HTTP status; 0 when none arrived
    std::string error;           ///< the transport's error when no answer arrived
    int next_attempt = 0;        ///< the attempt about to be made (the first is 1)
    int max_attempts = 0;
    Duration pause{0};           ///< until then
};

}  // namespace ccai
