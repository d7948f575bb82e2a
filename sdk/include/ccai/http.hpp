#pragma once
/// @file http.hpp
/// @brief HTTP request/response values and the Transport interface (libcurl in production, fakes in tests).

#include <chrono>
#include <cstddef>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "ccai/defaults.hpp"
#include "ccai/error.hpp"

namespace ccai {

/// @brief A header list that keeps order and allows repeats.
using Headers = std::vector<std::pair<std::string, std::string>>;

/// @brief GET, PUT and DELETE may be repeated without changing the outcome.
bool idempotent_method(std::string_view method);

/// @brief What HttpRequest::body_source returns when the rest of the body cannot be had: the transfer fails
/// rather than send a body cut short (libcurl's CURL_READFUNC_ABORT).
inline constexpr std::size_t kBodySourceAbort = 0x10000000;

/// @brief A request ready for the wire.
struct HttpRequest {
    std::string method;  ///< GET, POST, PUT, DELETE
    std::string url;     ///< absolute, query included
    Headers headers;
    std::string body;
    /// @brief For multipart uploads: the file sent as form field `file` (streamed from disk).
    std::optional<std::string> upload_file;
    /// @brief The catalog says the operation changes nothing (EndpointSpec::read_only), whatever its method.
    bool read_only = false;
    /// @brief A body read while it is sent, in place of `body` (uploads too large to hold: `ccai-cli proxy`).
    /// Each call fills up to `size` bytes and returns how many; 0 ends the body, kBodySourceAbort abandons
    /// the request (the body could not be read whole). Such a request can be sent once only: the pipeline
    /// never re-sends it (a rejection is returned as it came).
    std::function<std::size_t(char* buffer, std::size_t size)> body_source{};
    /// The length of body_source's body, or -1 when unknown (then sent chunked).
    long long body_source_size = -1;
    /// @brief Names of headers added by hand (`-H`, CallArgs::extra_headers): the response cache keys
    /// answers by them, besides the catalog's (other headers are not part of the key).
    std::vector<std::string> key_headers{};

    /// @brief Value of the first header with this name (case-insensitive), or "".
    [[nodiscard]] std::string header(std::string_view name) const;
    /// @brief idempotent_method(method), or a read-only call (a POST that only reads may be re-sent).
    [[nodiscard]] bool idempotent() const;
};

/// @brief A response as received. Header names are lower-cased.
struct HttpResponse {
    int status = 0;
    std::map<std::string, std::string> headers;
    std::string body;

    /// @brief Value of a header (name lower-case), or "".
    [[nodiscard]] std::string header(const std::string& lower_name) const;
};

/// @brief True when `name` is an HTTP field name (an RFC 9110 token: letters, digits and !#$%&'*+-.^_`|~).
bool is_header_name(std::string_view name);

/// @brief Why `value` cannot be a header value, or "" when it can. A CR or LF would end the header and start
/// another one (header injection); a NUL or another control character (HTAB aside) is invalid on the wire.
std::string header_value_problem(std::string_view value);

/// @brief True for the headers that frame the message or pick its target (Host, Content-Length,
/// Transfer-Encoding, Connection and the other hop-by-hop ones): libcurl writes those from the URL and the
/// body, and a caller's copy would send the request, and its `auth`, somewhere else or split it in two.
bool is_reserved_header(std::string_view name);

/// @brief Checks every header of a request about to go out: a valid name, a value without CR, LF, NUL or
/// another control character, no reserved header. The message names the header, never its value (it may
/// be a secret). Errors are invalid_input.
Result<Unit> check_headers(const Headers& headers);

/// @brief Timeouts and TLS settings for a transport. transport_options() (client.hpp) fills them from a Config.
struct TransportOptions {
    std::chrono::milliseconds connect_timeout = setting_default_duration("connect_timeout");
    std::chrono::milliseconds total_timeout = setting_default_duration("timeout");
    bool insecure = false;  ///< skip TLS verification (the CLI warns every time)
    bool gzip = true;       ///< ask for gzip-compressed answers (setting `compression`)
    std::string ca_file;    ///< PEM file of trusted CAs (CURLOPT_CAINFO); "" = libcurl's default
    std::string ca_path;    ///< directory of hashed CA certificates (CURLOPT_CAPATH); "" = libcurl's default
    bool no_proxy = false;  ///< connect directly, whatever the proxy variables say (CURLOPT_NOPROXY "*")
};

/// @brief The HTTP library requests go out with and what it was built with,
/// e.g. "libcurl/7.88.1 OpenSSL/3.0.17 zlib/1.2.13" (curl_version()).
std::string http_library_version();

/// @brief Sends one request. Network failures come back as ApiError{kind=network}; HTTP errors as responses.
class Transport {
public:
    virtual ~Transport() = default;
    virtual Result<HttpResponse> perform(const HttpRequest& request) = 0;
};

}  // namespace ccai
