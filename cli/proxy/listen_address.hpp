#pragma once
// The proxy's --listen HOST:PORT.
#include <string>
#include <string_view>

#include "ccai/error.hpp"

namespace ccai::cli::proxy {

struct ListenAddress {
    std::string host;  ///< numeric, as bound: "127.0.0.1", "::1", "0.0.0.0" (a name is resolved first)
    int port = 0;      ///< 0: a free port
    bool loopback = false;
    /// host as it goes in a URL (an IPv6 literal in brackets).
    [[nodiscard]] std::string url_host() const;
};

/// True for a numeric loopback address: 127.0.0.0/8, ::1, ::ffff:127.x.y.z. A name is never loopback here.
bool is_loopback_address(std::string_view numeric);

/// "HOST:PORT" or "[IPV6]:PORT", port 0-65535; invalid_input otherwise. A name (localhost, or any other) is
/// resolved: it is loopback only when every address it has is, and the address checked is the one bound, so
/// a name cannot pass the check and then resolve elsewhere ("127.0.0.1.example.com").
Result<ListenAddress> parse_listen_address(std::string_view text);

}  // namespace ccai::cli::proxy
