#include "ccai/error.hpp"

#include <nlohmann/json.hpp>

#include <cctype>

#include "ccai/limits.hpp"
#include "ccai/redact.hpp"

namespace ccai {

std::string_view to_string(ErrorKind kind) {
    switch (kind) {
        case ErrorKind::invalid_input: return "invalid_input";
        case ErrorKind::config: return "config";
        case ErrorKind::auth: return "auth";
        case ErrorKind::not_found: return "not_found";
        case ErrorKind::client: return "client_error";
        case ErrorKind::rate_limited: return "rate_limited";
        case ErrorKind::server: return "server_error";
        case ErrorKind::network: return "network";
        case ErrorKind::interrupted: return "interrupted";
        case ErrorKind::other: break;
    }
    return "error";
}

nlohmann::json error_json(const ApiError& e) {
    nlohmann::json j = {{"kind", to_string(e.kind)}, {"message", e.message}};
    if (e.http_status) j["status"] = e.http_status;
    if (!e.code.empty()) j["code"] = e.code;
    if (!e.request_id.empty()) j["request_id"] = e.request_id;
    if (e.retry_after) j["retry_after_seconds"] = static_cast<double>(e.retry_after->count()) / 1000.0;
    return redact_json(std::move(j));
}

namespace {

bool starts_with_nocase(std::string_view text, std::string_view prefix) {
    if (text.size() < prefix.size()) return false;
    for (std::size_t i = 0; i < prefix.size(); ++i)
        if (std::tolower(static_cast<unsigned char>(text[i])) != std::tolower(static_cast<unsigned char>(prefix[i])))
            return false;
    return true;
}

bool message_at(const nlohmann::json& j, const char* key) {
    const auto it = j.find(key);
    return it != j.end() && it->is_string() && is_rate_limit_message(it->get_ref<const std::string&>());
}

}  // namespace

bool is_rate_limit_message(std::string_view message) {
    // The service's only documented signal; status codes and headers are not documented. The rate-limit
    // page gives the per-minute text; sibling APIs say "hourly"; older pages "Rate limit for this API has
    // been reached. Please try again later".
    while (!message.empty() && std::isspace(static_cast<unsigned char>(message.front()))) message.remove_prefix(1);
    for (std::string_view you : {"You've ", "You\u2019ve ", "You have "})
        if (starts_with_nocase(message, you)) {
            message.remove_prefix(you.size());
            return starts_with_nocase(message, "exceeded the per-minute rate limit") ||
                   starts_with_nocase(message, "exceeded the hourly rate limit");
        }
    return starts_with_nocase(message, "Rate limit for this API has been reached");
}

bool is_rate_limit_response(int status, std::string_view body) {
    if (body.size() > kMaxRateLimitBody) return false;
    const auto j = parse_json_bounded(body);
    if (j.is_discarded()) return status >= 400 && is_rate_limit_message(body);  // a plain-text error body
    if (!j.is_object()) return false;
    if (const auto errors = j.find("errors"); errors != j.end() && errors->is_array())
        for (const auto& e : *errors)
            if (e.is_string() ? is_rate_limit_message(e.get_ref<const std::string&>())
                              : e.is_object() && (message_at(e, "msg") || message_at(e, "message")))
                return true;
    // A success's "message" may be anything the caller sent (an SMS text): only an error's counts.
    if (status < 400) return false;
    if (message_at(j, "message") || message_at(j, "msg") || message_at(j, "error")) return true;
    const auto error = j.find("error");
    return error != j.end() && error->is_object() && (message_at(*error, "message") || message_at(*error, "msg"));
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
    e.kind = kind_for_status(status, is_rate_limit_response(status, body));
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

std::string quoted_excerpt(std::string_view text, std::size_t max) {
    std::string out = "'";
    for (const char c : text.substr(0, max)) {
        const auto u = static_cast<unsigned char>(c);
        if (u < 0x20 || u == 0x7f) {
            static constexpr char kHex[] = "0123456789abcdef";
            out += "\\x";
            out += kHex[u >> 4];
            out += kHex[u & 0xf];
        } else {
            out += c;
        }
    }
    return out + (text.size() > max ? "...'" : "'");
}

}  // namespace ccai
