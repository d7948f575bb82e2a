// Which outcomes are retried, which requests may be re-sent, and Retry-After parsing.
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include "ccai/error.hpp"
#include "ccai/retry.hpp"

using namespace ccai;
using namespace std::chrono_literals;

namespace {
Result<HttpResponse> response(int status, std::string body = "{}") { return HttpResponse{status, {}, std::move(body)}; }
Result<HttpResponse> network(bool reached) {
    ApiError e;
    e.kind = ErrorKind::network;
    e.message = "connection reset";
    e.maybe_reached_server = reached;
    return e;
}
HttpRequest req(std::string method) { return HttpRequest{std::move(method), "https://h/x", {}, "", std::nullopt, false}; }
const std::string kMinute = R"({"errors":[{"msg":"You've exceeded the per-minute rate limit. Please wait for sometime before retrying."}]})";
const std::string kHourly = R"({"errors":[{"msg":"You've exceeded the hourly rate limit. Please wait for sometime before retrying."}]})";
}  // namespace

TEST_CASE("retry: classification") {
    CHECK(classify(response(429)) == RetryClass::rate_limited);
    CHECK(classify(response(200, kMinute)) == RetryClass::rate_limited);
    CHECK(classify(response(400, kHourly)) == RetryClass::rate_limited);
    CHECK(classify(response(403, kMinute)) == RetryClass::rate_limited);
    for (int s : {502, 503, 504}) CHECK(classify(response(s)) == RetryClass::transient);
    CHECK(classify(network(false)) == RetryClass::transient);
    CHECK(classify(network(true)) == RetryClass::transient);
    ApiError permanent = network(false).error();  // e.g. a refused certificate: the next attempt would be too
    permanent.retryable = false;
    CHECK(classify(Result<HttpResponse>(permanent)) == RetryClass::done);
    for (int s : {200, 201, 204, 400, 401, 404, 500}) CHECK(classify(response(s)) == RetryClass::done);
    // A long list that happens to quote the message is data, not a rejection.
    CHECK(classify(response(200, std::string(5000, ' ') + kMinute)) == RetryClass::done);
    ApiError auth;
    auth.kind = ErrorKind::auth;
    CHECK(classify(Result<HttpResponse>(auth)) == RetryClass::done);
}

TEST_CASE("retry: only idempotent requests, or ones that never reached the server, are re-sent") {
    for (const char* m : {"GET", "PUT", "DELETE"}) {
        CHECK(safe_to_resend(req(m), response(503)));
        CHECK(safe_to_resend(req(m), network(true)));
    }
    CHECK_FALSE(safe_to_resend(req("POST"), response(503)));
    CHECK_FALSE(safe_to_resend(req("POST"), response(504)));
    CHECK_FALSE(safe_to_resend(req("POST"), network(true)));
    CHECK(safe_to_resend(req("POST"), network(false)));
}

TEST_CASE("retry: Retry-After in seconds and as an HTTP-date") {
    CHECK(parse_retry_after("120", 0) == 120000ms);
    CHECK(parse_retry_after(" 1.5 ", 0) == 1500ms);
    CHECK(parse_retry_after("2.0259", 0) == 2025ms);  // below a millisecond is dropped
    CHECK(parse_retry_after("99999999999999999999999", 0) == std::chrono::hours(365 * 24));  // clamped
    for (const char* bad : {"1e3", "1.", ".5", "1.5s", "inf", "nan", "+3", "0x10", "1 2"}) CHECK_FALSE(parse_retry_after(bad, 0));
    CHECK(parse_retry_after("0", 0) == 0ms);
    const long long at = 784111777;  // Sun, 06 Nov 1994 08:49:37 GMT
    CHECK(parse_retry_after("Sun, 06 Nov 1994 08:49:37 GMT", at - 30) == 30000ms);
    CHECK(parse_retry_after("Sun, 06 Nov 1994 08:49:37 GMT", at + 30) == 0ms);  // already past
    CHECK_FALSE(parse_retry_after("", 0).has_value());
    CHECK_FALSE(parse_retry_after("-5", 0).has_value());
    CHECK_FALSE(parse_retry_after("soon", 0).has_value());
    CHECK_FALSE(parse_retry_after("Sun, 06 Nov 1994 08:49:37", 0).has_value());
}

TEST_CASE("retry: backoff doubles from the base and is capped") {
    RetryOptions o;
    CHECK(backoff_for(o, 1) == 1s);
    CHECK(backoff_for(o, 2) == 2s);
    CHECK(backoff_for(o, 6) == 32s);
    CHECK(backoff_for(o, 7) == 60s);
    CHECK(backoff_for(o, 50) == 60s);
    CHECK(rate_limit_pause(o, 1, 7s, 2s) == 7s);
    CHECK(rate_limit_pause(o, 1, 0s, 3s) == 3s);
    CHECK(rate_limit_pause(o, 3, 1s, 2s) == 4s);
}

TEST_CASE("rate-limit messages are read where the service puts errors, in a bounded body") {
    const std::string older = "Rate limit for this API has been reached. Please try again later";
    const auto errors = [](const std::string& key, const std::string& msg) {
        return nlohmann::json{{"errors", nlohmann::json::array({{{key, msg}, {"code", 400}}})}}.dump();
    };
    // Recognised: the three messages, in errors[].msg / errors[].message, a 4xx's message, a plain-text 4xx.
    CHECK(classify(response(400, errors("msg", older))) == RetryClass::rate_limited);
    CHECK(classify(response(400, errors("message", older))) == RetryClass::rate_limited);
    CHECK(classify(response(200, errors("msg", "You've exceeded the hourly rate limit. Please wait"))) == RetryClass::rate_limited);
    CHECK(classify(response(400, nlohmann::json{{"message", older}}.dump())) == RetryClass::rate_limited);
    CHECK(classify(response(400, nlohmann::json{{"error", {{"message", older}}}}.dump())) == RetryClass::rate_limited);
    CHECK(classify(response(400, "  " + older)) == RetryClass::rate_limited);
    CHECK(classify(response(400, R"({"errors":["rate limit for this api has been reached"]})")) == RetryClass::rate_limited);
    CHECK(error_from_response(400, errors("msg", older)).kind == ErrorKind::rate_limited);
    CHECK(is_rate_limit_message("You\u2019ve exceeded the per-minute rate limit."));

    // Not recognised: the phrase quoted inside data, inside another error, in a success's message, or in a
    // body too big to be an error object.
    const std::string sms = "Reminder: " + older;
    CHECK(classify(response(200, nlohmann::json{{"status", "sent"}, {"message", older}}.dump())) == RetryClass::done);
    CHECK(classify(response(200, nlohmann::json{{"data", {{"text", older}}}}.dump())) == RetryClass::done);
    CHECK(classify(response(400, nlohmann::json{{"data", {{"text", older}}}, {"message", "invalid toNo"}}.dump())) ==
          RetryClass::done);
    CHECK(classify(response(400, errors("msg", "SMS text is too long: " + older))) == RetryClass::done);
    CHECK(classify(response(400, errors("field", older))) == RetryClass::done);
    CHECK(classify(response(400, sms)) == RetryClass::done);
    CHECK(classify(response(400, errors("msg", older) + std::string(5000, ' '))) == RetryClass::done);
    CHECK(error_from_response(400, errors("msg", sms)).kind == ErrorKind::client);
    // Wrong types and empty values where a message would be.
    for (const char* body : {R"({"errors":[{"msg":42}]})", R"({"errors":{"msg":"Rate limit for this API has been reached"}})",
                             R"({"message":null})", R"({"errors":[null,[],""]})", "", "[]", "\"Rate limit\""})
        CHECK(classify(response(400, body)) == RetryClass::done);
}
