#pragma once
/// @file request_builder.hpp
/// @brief Turns an EndpointSpec and CallArgs into an HttpRequest, checking every input before any I/O.

#include <string>

#include "ccai/call_args.hpp"
#include "ccai/config.hpp"
#include "ccai/endpoint.hpp"
#include "ccai/http.hpp"

namespace ccai {

/// @brief Builds the request (without `auth`; the pipeline adds it per attempt).
///
/// Fills and URL-encodes {placeholders}, fills botId/accountId/orgId from the config wherever they occur,
/// adds const query values and the `accountid` / `iid` headers, checks required path/query parameters,
/// integer/boolean/enum values, and the body's required top-level fields and their JSON types.
/// Errors are invalid_input (exit 2) or config (exit 3, e.g. no host).
Result<HttpRequest> build_request(const EndpointSpec& spec, const CallArgs& args, const Config& config);

/// @brief Checks a body against the catalog's top-level fields (required present, types, enums).
Result<Unit> check_body(const EndpointSpec& spec, const nlohmann::json& body);

/// @brief Percent-encodes everything but RFC 3986 unreserved characters.
std::string url_encode(std::string_view text);

/// @brief The CLI spelling of a catalog parameter or setting: "skillGroupId" -> "skill-group-id",
/// "bot_id" -> "bot-id". Error messages name parameters by their flag.
std::string kebab_case(std::string_view name);

/// @brief The config key that fills a catalog parameter ("botId" -> "bot_id"), or "" when none does.
std::string_view profile_key_for(std::string_view param_name);

}  // namespace ccai
