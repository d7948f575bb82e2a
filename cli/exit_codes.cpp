#include "exit_codes.hpp"

#include <cstdio>

#include <string>
#include <vector>

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <nlohmann/json.hpp>

#include "output/text_writer.hpp"
#include "output/utf8_text.hpp"

namespace ccai::cli {

int exit_code_for(ErrorKind kind) {
    switch (kind) {
        case ErrorKind::invalid_input: return kUsage;
        case ErrorKind::config: return kConfig;
        case ErrorKind::auth: return kAuth;
        case ErrorKind::not_found: return kNotFound;
        case ErrorKind::client: return kClientError;
        case ErrorKind::rate_limited: return kRateLimited;
        case ErrorKind::server: return kServerError;
        case ErrorKind::network: return kNetwork;
        case ErrorKind::interrupted: return kInterrupted;
        case ErrorKind::other: break;
    }
    return kOther;
}

nlohmann::json error_with_exit_code(const ApiError& e) {
    auto j = ccai::error_json(e);
    j["exit_code"] = exit_code_for(e.kind);
    return j;
}

int report_error(std::FILE* err, const ApiError& e) { return report_error(err, e, ErrorFormat::json, ""); }

namespace {

// Text from the service or the user shown on a terminal: control bytes escaped, broken UTF-8 as U+FFFD.
std::string shown(const std::string& text) { return escape_text(valid_utf8(text)); }

// What a person reads: the redacted message, then what the service said about it, in brackets.
std::string error_lines(const nlohmann::json& j, const std::string& hint) {
    std::vector<std::string> about;
    if (j.contains("status")) about.push_back(fmt::format("HTTP {}", j["status"].get<int>()));
    // A code that only repeats the status says nothing more.
    if (j.contains("code") && (!j.contains("status") || j["code"] != std::to_string(j["status"].get<int>())))
        about.push_back(fmt::format("code {}", shown(j["code"].get<std::string>())));
    if (j.contains("request_id")) about.push_back(fmt::format("request id {}", shown(j["request_id"].get<std::string>())));
    std::string text = "error: " + shown(j.value("message", std::string()));
    if (!about.empty()) text += fmt::format(" ({})", fmt::join(about, ", "));
    text += "\n";
    if (!hint.empty()) text += "hint: " + shown(hint) + "\n";
    return text;
}

}  // namespace

int report_error(std::FILE* err, const ApiError& e, ErrorFormat format, const std::string& hint) {
    const auto j = error_with_exit_code(e);
    const auto text = format == ErrorFormat::text
                          ? error_lines(j, hint)
                          : nlohmann::json{{"error", j}}.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
    std::fputs(text.c_str(), err);
    return exit_code_for(e.kind);
}

std::string error_hint(const ApiError& e, const std::string& command) {
    switch (e.kind) {
    case ErrorKind::invalid_input:
        if (command.empty()) return "'ccai-cli help' lists the commands";
        return fmt::format("'ccai-cli help {}' shows {}", command,
                           command.find(' ') == std::string::npos ? "what it takes" : "its flags and an example");
    case ErrorKind::config:
        return "'ccai-cli config init' sets up a profile; 'ccai-cli config list --show-origin' shows each setting and "
               "where it comes from";
    case ErrorKind::auth:
        return "check the client id and secret: 'ccai-cli config list --show-origin' shows where they come from";
    case ErrorKind::not_found:
        return "check the id, and the account, bot and org the profile names";
    case ErrorKind::rate_limited:
        return e.retry_after ? fmt::format("try again in {} s", (e.retry_after->count() + 999) / 1000)
                             : "try again later, or lower rate_limit";
    case ErrorKind::server: return "the service failed; trying again later may work";
    case ErrorKind::network: return "check the host ('ccai-cli config list --show-origin') and the network";
    case ErrorKind::client:
        return command.empty() ? "" : fmt::format("'ccai-cli help {}' describes the request", command);
    case ErrorKind::interrupted:
    case ErrorKind::other: break;
    }
    return "";
}

}  // namespace ccai::cli
