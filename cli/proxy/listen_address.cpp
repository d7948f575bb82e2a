#include "proxy/listen_address.hpp"

#include <cctype>
#include <charconv>

#include <fmt/format.h>

namespace ccai::cli::proxy {

std::string ListenAddress::url_host() const {
    return host.find(':') != std::string::npos ? "[" + host + "]" : host;
}

Result<ListenAddress> parse_listen_address(std::string_view text) {
    const auto bad = [&](std::string_view why) {
        return invalid_input(fmt::format("--listen '{}': {}; expected HOST:PORT, e.g. 127.0.0.1:8787", text, why));
    };
    ListenAddress a;
    std::string_view port;
    if (text.starts_with("[")) {
        const auto close = text.find("]:");
        if (close == std::string_view::npos) return bad("an IPv6 address needs [ADDRESS]:PORT");
        a.host = std::string(text.substr(1, close - 1));
        port = text.substr(close + 2);
    } else {
        const auto colon = text.rfind(':');
        if (colon == std::string_view::npos) return bad("no port");
        a.host = std::string(text.substr(0, colon));
        port = text.substr(colon + 1);
        if (a.host.find(':') != std::string::npos) return bad("an IPv6 address goes in brackets");
    }
    if (a.host.empty()) return bad("no host");
    for (unsigned char c : a.host)
        if (!(std::isalnum(c) || c == '.' || c == '-' || c == ':' || c == '%')) return bad("the host holds a character a host cannot");
    const auto* end = port.data() + port.size();
    auto [ptr, ec] = std::from_chars(port.data(), end, a.port);
    if (port.empty() || ec != std::errc() || ptr != end || a.port < 0 || a.port > 65535) return bad("the port must be 0-65535");
    a.loopback = a.host == "localhost" || a.host == "::1" || a.host.starts_with("127.");
    return a;
}

}  // namespace ccai::cli::proxy
