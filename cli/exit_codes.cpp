#include "exit_codes.hpp"

#include <cstdio>

#include <nlohmann/json.hpp>

#include "ccai/redact.hpp"

namespace ccai::cli {

namespace {
const char* kind_name(ErrorKind k) {
    switch (k) {
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
}  // namespace

// Redacted as a whole: the message, the code and the request id may all be the server's echo of what it was
// sent (a secret in a URL, a body or a header), and a message may quote a value of ours.
nlohmann::json error_json(const ApiError& e) {
    nlohmann::json j = {{"kind", kind_name(e.kind)}, {"message", e.message}, {"exit_code", exit_code_for(e.kind)}};
    if (e.http_status) j["status"] = e.http_status;
    if (!e.code.empty()) j["code"] = e.code;
    if (!e.request_id.empty()) j["request_id"] = e.request_id;
    if (e.retry_after) j["retry_after_seconds"] = static_cast<double>(e.retry_after->count()) / 1000.0;
    return redact_json(std::move(j));
}

int report_error(const ApiError& e) {
    const auto line = nlohmann::json{{"error", error_json(e)}}.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    std::fprintf(stderr, "%s\n", line.c_str());
    return exit_code_for(e.kind);
}

}  // namespace ccai::cli
