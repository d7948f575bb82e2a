#pragma once
// What `ccai-cli proxy` makes of a client's request, and of the pipeline's answer: pure functions, so every
// refusal is tested without a socket.
#include <optional>
#include <variant>
#include <string>
#include <string_view>
#include <vector>

#include "ccai/client.hpp"

namespace ccai::cli::proxy {

/// A request as a client sent it (header names as sent; the peer's address already known).
struct Incoming {
    std::string method;
    std::string target;  ///< path and query, as on the request line (still percent-encoded)
    Headers headers;
    bool from_loopback = false;
};

/// An answer the proxy gives itself: the service's error shape, {"errors":[{"msg":...,"code":STATUS}]}.
struct Answer {
    int status = 200;
    Headers headers;  ///< besides Content-Type
    std::string content_type = "application/json";
    std::string body;
};

/// What the proxy knows about where it forwards.
struct Upstream {
    Config config;
    /// The API's path roots ("/agentassist/api/v1", ...): only paths under them are forwarded.
    std::vector<std::string> prefixes;
    /// The proxy's own pacer's proxy_claim(true) ("" for memory and redis): a loopback client that sends it
    /// shares the pacer state and took its slot already.
    std::string claim;
};

/// The request to send upstream and how.
struct Forward {
    HttpRequest request;
    Priority priority = Priority::interactive;
    bool paced = false;  ///< a trusted client took the slot: forward without pacing, once
};

/// Largest sum of a request's header names and values, and most headers: more is refused (431).
inline constexpr std::size_t kMaxHeaderBytes = 32 * 1024;
inline constexpr std::size_t kMaxHeaderCount = 100;

/// The path roots of the catalog's operations: each path's literal segments before its first placeholder,
/// at most three ("/agentassist/api/v1", "/api/public/bot", ...).
std::vector<std::string> api_prefixes();

/// The service's error shape with `status` and `message` (the proxy's own text, or the client's path).
Answer error_answer(int status, std::string_view message);

/// The request to forward, or the refusal to answer: 400 (bad header, dot segment, another account), 404
/// (not an API path), 405 (method), 431 (headers too large). The body is not part of it: it is added as it
/// arrives. The proxy's own headers (auth, accountid, iid) replace the client's.
std::variant<Forward, Answer> to_forward(const Incoming& in, const Upstream& upstream);

/// 503 with Retry-After: `expected_wait` (the pacer's time until a slot is free) in whole seconds, rounded
/// up, at least 1.
Answer busy_answer(std::string_view message, Duration expected_wait);

/// The answer for the pipeline's outcome: the service's response (hop-by-hop and encoding headers dropped:
/// the body is already decoded), or an error in the service's shape: 429 with Retry-After when the wait would
/// pass max_wait or retries ran out, 503 when the proxy is stopping, 502 when the service cannot be reached.
Answer to_answer(const Result<HttpResponse>& outcome);

}  // namespace ccai::cli::proxy
