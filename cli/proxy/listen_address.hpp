#pragma once
// The proxy's --listen HOST:PORT.
#include <string>
#include <string_view>

#include "ccai/error.hpp"

namespace ccai::cli::proxy {

struct ListenAddress {
    std::string host;  ///< as bound: "127.0.0.1", "::1", "0.0.0.0", a name
    int port = 0;      ///< 0: a free port
    bool loopback = false;
    /// host as it goes in a URL (an IPv6 literal in brackets).
    [[nodiscard]] std::string url_host() const;
};

/// "HOST:PORT" or "[IPV6]:PORT", port 0-65535; invalid_input otherwise.
Result<ListenAddress> parse_listen_address(std::string_view text);

}  // namespace ccai::cli::proxy
