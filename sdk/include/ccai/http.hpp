#pragma once
/// @file http.hpp
/// @brief HTTP request/response values and the Transport interface (libcurl in production, fakes in tests).

#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "ccai/error.hpp"

namespace ccai {

/// @brief A header list that keeps order and allows repeats.
using Headers = std::vector<std::pair<std::string, std::string>>;

/// @brief A request ready for the wire.
struct HttpRequest {
    std::string method;  ///< GET, POST, PUT, DELETE
    std::string url;     ///< absolute, query included
    Headers headers;
    std::string body;
    /// @brief For multipart uploads: the file sent as form field `file` (streamed from disk).
    std::optional<std::string> upload_file;

    /// @brief Value of the first header with this name (case-insensitive), or "".
    [[nodiscard]] std::string header(std::string_view name) const;
    /// @brief GET, PUT and DELETE may be repeated without changing the outcome.
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

/// @brief Timeouts and TLS settings for a transport. transport_options() (client.hpp) fills them from a Config.
struct TransportOptions {
    std::chrono::milliseconds connect_timeout{10'000};
    std::chrono::milliseconds total_timeout{60'000};
    bool insecure = false;  ///< skip TLS verification (the CLI warns every time)
    bool gzip = true;       ///< ask for gzip-compressed answers (setting `compression`)
    std::string ca_file;    ///< PEM file of trusted CAs (CURLOPT_CAINFO); "" = libcurl's default
    std::string ca_path;    ///< directory of hashed CA certificates (CURLOPT_CAPATH); "" = libcurl's default
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
