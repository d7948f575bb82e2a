#include "ccai/error.hpp"

#include <nlohmann/json.hpp>

#include "ccai/limits.hpp"
#include "ccai/redact.hpp"

namespace ccai {

std::string_view error_kind_name(ErrorKind kind) {
    switch (kind) {
        case ErrorKind::invalid_input: return "invalid_input";
        case ErrorKind::config: return "config";
        case ErrorKind::auth: return "auth";
        case ErrorKind::not_found: return "not_found";
        case ErrorKind::client: return "client_error";
        case ErrorKind::rate_limited: return "rate_limited";
        case ErrorKind::server: return "server_error";
        case ErrorKind::network: return "network";
        case ErrorKind::other: break;
    }
    return "error";
}

nlohmann::json error_json(const ApiError& e) {
    nlohmann::json j = {{"kind", error_kind_name(e.kind)}, {"message", e.message}};
    if (e.http_status) j["status"] = e.http_status;
    if (!e.code.empty()) j["code"] = e.code;
    if (!e.request_id.empty()) j["request_id"] = e.request_id;
    if (e.retry_after) j["retry_after_seconds"] = static_cast<double>(e.retry_after->count()) / 1000.0;
    return redact_json(std::move(j));
}

bool is_rate_limit_message(const std::string& body) {
    // The service's only documented signal; status codes and headers are not documented.
    return body.find("exceeded the per-minute rate limit") != std::string::npos ||
           body.find("exceeded the hourly rate limit") != std::string::npos;
}

ErrorKind kind_for_status(int status, bool rate_limit_message) {
    if (status == 429 || rate_limit_message) return ErrorKind::rate_limited;
    if (status == 401 || status == 403) return ErrorKind::auth;
    if (status == 404) return ErrorKind::not_found;
    if (status >= 500) return ErrorKind::server;
    if (status >= 400) return ErrorKind::client;
    return ErrorKind::other;
}

ApiError error_from_response(int status, const std::string& body) {
    ApiError e;
    e.http_status = status;
    e.kind = kind_for_status(status, is_rate_limit_message(body));
    // Bounded: a deeply nested "code" would overflow the stack in dump() below.
    const auto j = parse_json_bounded(body);
    if (j.is_object()) {
        // {"errors":[{"msg": "...", "code": ...}]} is the documented shape; some services say "message".
        if (j.contains("errors") && j["errors"].is_array() && !j["errors"].empty() && j["errors"][0].is_object()) {
            const auto& first = j["errors"][0];
            if (first.contains("msg") && first["msg"].is_string()) e.message = first["msg"].get<std::string>();
            if (first.contains("code")) e.code = first["code"].is_string() ? first["code"].get<std::string>() : first["code"].dump();
        } else if (j.contains("message") && j["message"].is_string()) {
            e.message = j["message"].get<std::string>();
        }
    }
    if (e.message.empty()) {
        e.message = "HTTP " + std::to_string(status);
        if (!body.empty() && j.is_discarded() && body.size() < 200) e.message += ": " + body;
    }
    return e;
}

}  // namespace ccai
