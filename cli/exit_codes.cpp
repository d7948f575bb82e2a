#include "exit_codes.hpp"

#include <cstdio>

#include <nlohmann/json.hpp>

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

int report_error(std::FILE* err, const ApiError& e) {
    const auto line = nlohmann::json{{"error", error_with_exit_code(e)}}.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    std::fprintf(err, "%s\n", line.c_str());
    return exit_code_for(e.kind);
}

}  // namespace ccai::cli
