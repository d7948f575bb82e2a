#pragma once
/// @file base_url.hpp
/// @brief The API's base URL (setting `host`), checked and normalised in one place: requests, --dry-run,
/// `api` and the pacer's scope all read it from here, so they agree on what a spelling means.

#include <string>
#include <string_view>

#include "ccai/config.hpp"
#include "ccai/error.hpp"
#include "ccai/http.hpp"

namespace ccai {

/// @brief A host setting taken apart.
struct BaseUrl {
    std::string scheme;      ///< "https" or "http", lower case
    std::string host;        ///< lower case; an IPv6 literal keeps its brackets
    std::string port;        ///< "" for the scheme's default port
    std::string prefix;      ///< "" or a base path such as "/ccai": the API path is appended after it
    bool loopback = false;   ///< localhost, 127.0.0.0/8 or ::1: traffic that never leaves this machine
    /// scheme://host[:port][prefix], no trailing '/': every request URL starts with this.
    std::string text;
};

/// @brief Parses a host setting. Without a scheme it means https:// ("h:8443" is https://h:8443). A path
/// after the host is a base path: https://h/ccai sends /ccai/agentassist/... A default port (:443, :80) and
/// trailing slashes are dropped, the scheme and host lower-cased. Refused (an invalid_input error whose
/// message never repeats a query, fragment or user information, which may hold a secret): empty, a scheme
/// other than http and https, user information (user@host), a query or fragment (the API path would end up
/// inside it), a missing host, a port outside 1-65535, spaces, control or non-ASCII characters, and a base
/// path with an empty, `.` or `..` segment or a character a path cannot hold.
Result<BaseUrl> parse_base_url(std::string_view host);

/// @brief The configured base URL, checked: parse_base_url, and plain http:// to a host other than loopback
/// is refused unless `allow_http` is true (the token would cross the network in the clear). Errors name
/// where `host` came from: invalid_input when it was given as a flag, else config.
Result<BaseUrl> base_url(const Config& config);

/// @brief What every request shares, whoever builds it (build_request, a raw `api` call): the URL, the
/// configured base URL (base_url()) followed by `path_and_query` (encoded, placeholders filled), once the
/// settings that travel as headers pass check_header_settings(); and the `accountid` header when account_id
/// is set: the limit is counted per account, and the service ignores the header where it does not use it.
Result<HttpRequest> start_request(std::string method, std::string_view path_and_query, const Config& config);

}  // namespace ccai
