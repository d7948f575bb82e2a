#pragma once
/// @file route.hpp
/// @brief Matches a request to the catalog's operations: method + path pattern + const_query values. The
/// mock routes with it; the response cache asks it whether a request is read-only and which family it is of.
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "ccai/endpoint.hpp"

namespace ccai {

using QueryParams = std::multimap<std::string, std::string>;

struct RouteMatch {
    int status = 200;   ///< 200 matched; 404 no such path; 405 wrong method; 400 const_query mismatch
    std::string error;  ///< message for non-200
    std::string allow;  ///< for 405: the methods the path takes
    /// Operations that fit, best first. Several when the request alone cannot tell them apart
    /// (campaign create variants differ only by body; sms/voice campaign get share one path).
    std::vector<const EndpointSpec*> specs;
    std::map<std::string, std::string, std::less<>> path_params;
};

/// `raw_path` is the request target's path as it arrived, still percent-encoded: it is split at '/' first and
/// each parameter decoded afterwards, so `%2F` in an id stays inside its segment (as on the real service).
RouteMatch match_route(std::string_view method, std::string_view raw_path, const QueryParams& query);

}  // namespace ccai
