#pragma once
/// @file error.hpp
/// @brief Errors as values: ApiError and Result<T>.

#include <chrono>
#include <optional>
#include <string>
#include <utility>
#include <string_view>
#include <variant>
#include <vector>

#include <nlohmann/json_fwd.hpp>

namespace ccai {

/// @brief What kind of failure. A program maps kinds to its own outcomes (the CLI: to exit codes).
enum class ErrorKind {
    other,          ///< anything else
    invalid_input,  ///< bad flag, parameter or body; nothing was sent
    config,         ///< missing or unsafe configuration / credentials
    auth,           ///< 401 / 403
    not_found,      ///< 404
    client,         ///< other 4xx
    rate_limited,   ///< still rate limited after retries
    server,         ///< 5xx
    network,        ///< connection failure or timeout
    interrupted,    ///< the program was interrupted (Interruption) while the call waited; nothing was sent
};

/// @brief The kind's name, as error output and batch results spell it: "invalid_input", "config", "auth",
/// "not_found", "client_error", "rate_limited", "server_error", "network", "interrupted"; "error" for other.
std::string_view to_string(ErrorKind kind);

/// @brief The same as to_string(kind), its earlier name.
inline std::string_view error_kind_name(ErrorKind kind) { return to_string(kind); }

/// @brief A failed call. `http_status` is 0 when no HTTP response was received.
struct ApiError {
    ErrorKind kind = ErrorKind::other;
    int http_status = 0;
    std::string code;     ///< the service's error code, when it sent one
    std::string message;  ///< human-readable; never contains secrets
    std::optional<std::chrono::milliseconds> retry_after;
    std::string request_id;
    /// @brief False when the request provably never reached the server (safe to re-send any method).
    bool maybe_reached_server = true;
    /// @brief network: false when another attempt cannot help (a refused certificate, an unsupported
    /// scheme), so the call fails at once instead of after the retry budget.
    bool retryable = true;
    /// @brief The operation's path or query parameters the message names, spelled as the catalog spells
    /// them ("agentId"), and the settings it names ("bot_id"), each named once. A program that shows them
    /// under other names (ccai-cli's flags, --agent-id, --bot-id) can rewrite those words in the message.
    std::vector<std::string> parameters;
};

/// @brief Classify an HTTP status (and body) into an ErrorKind.
ErrorKind kind_for_status(int http_status, bool rate_limit_message);

/// @brief Build an ApiError from an HTTP response: parses `{"errors":[{"msg","code"}]}` when present.
ApiError error_from_response(int http_status, const std::string& body);

/// @brief The error as JSON: {"kind", "message", "status"?, "code"?, "request_id"?, "retry_after_seconds"?}, the
/// form error output and batch results share (`{"error": error_json(e)}`). Redacted as a whole: the message,
/// the code and the request id may all be the server's echo of what it was sent (a secret in a URL, a body
/// or a header), and a message may quote a value of ours.
nlohmann::json error_json(const ApiError& error);

/// @brief True when `message` is one of the service's rate-limit messages: it starts (case aside, after
/// blanks) with "You've exceeded the per-minute rate limit" or "... the hourly rate limit" ("You've" also
/// spelled with a typographic apostrophe, or "You have"), or the older "Rate limit for this API has been
/// reached". A text that only quotes one is not.
bool is_rate_limit_message(std::string_view message);

/// @brief Bodies longer than this are never read as a rate-limit rejection: the rejection is a short
/// error object, and a list of records that quotes the message is data.
inline constexpr std::size_t kMaxRateLimitBody = 4096;

/// @brief True when a response is the service's rate-limit rejection by its body: a rate-limit message
/// (is_rate_limit_message) where the service puts errors, in a body of at most kMaxRateLimitBody bytes:
/// `errors[].msg` / `errors[].message` (any status), or, on a status of 400 or more, the top-level
/// `message` / `msg` / `error` (a string, or an object's `message` / `msg`), or the whole body when it is
/// plain text. The message anywhere else (an SMS text in a record, a 200's `message`) is not.
bool is_rate_limit_response(int http_status, std::string_view body);

/// @brief A value or an ApiError.
template <class T>
class [[nodiscard]] Result {
public:
    Result(T value) : v_(std::move(value)) {}            // NOLINT(google-explicit-constructor)
    Result(ApiError error) : v_(std::move(error)) {}     // NOLINT(google-explicit-constructor)

    [[nodiscard]] bool ok() const { return v_.index() == 0; }
    explicit operator bool() const { return ok(); }
    T& value() { return std::get<0>(v_); }
    const T& value() const { return std::get<0>(v_); }
    T& operator*() { return value(); }
    const T& operator*() const { return value(); }
    T* operator->() { return &value(); }
    const T* operator->() const { return &value(); }
    const ApiError& error() const { return std::get<1>(v_); }

private:
    std::variant<T, ApiError> v_;
};

/// @brief Something the user gave, quoted for a message: 'text', or its first `max` bytes and '...' when
/// longer (a CSV header cell or a pasted file can be huge); control bytes are written \xNN, so a message
/// cannot act on the terminal that shows it.
std::string quoted_excerpt(std::string_view text, std::size_t max = 80);

/// @brief Shorthand for an invalid-input error (nothing sent).
inline ApiError invalid_input(std::string message) {
    ApiError e;
    e.kind = ErrorKind::invalid_input;
    e.message = std::move(message);
    e.maybe_reached_server = false;
    return e;
}

/// @brief Shorthand for a configuration error (nothing sent).
inline ApiError config_error(std::string message) {
    ApiError e;
    e.kind = ErrorKind::config;
    e.message = std::move(message);
    e.maybe_reached_server = false;
    return e;
}

/// @brief A Result with no value.
struct Unit {};

}  // namespace ccai
