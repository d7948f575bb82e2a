#include "proxy/listen_address.hpp"

#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cstring>
#include <vector>

#include <fmt/format.h>

namespace ccai::cli::proxy {

std::string ListenAddress::url_host() const {
    return host.find(':') != std::string::npos ? "[" + host + "]" : host;
}

bool is_loopback_address(std::string_view numeric) {
    const std::string text(numeric);
    in_addr v4{};
    if (::inet_pton(AF_INET, text.c_str(), &v4) == 1) return (ntohl(v4.s_addr) >> 24) == 127;
    in6_addr v6{};
    if (::inet_pton(AF_INET6, text.c_str(), &v6) != 1) return false;
    if (IN6_IS_ADDR_LOOPBACK(&v6)) return true;
    return IN6_IS_ADDR_V4MAPPED(&v6) && v6.s6_addr[12] == 127;
}

namespace {

bool is_numeric(const std::string& host) {
    in_addr v4{};
    in6_addr v6{};
    return ::inet_pton(AF_INET, host.c_str(), &v4) == 1 || ::inet_pton(AF_INET6, host.c_str(), &v6) == 1;
}

// Every address of `host`, numeric, IPv4 first; an error message when it has none.
std::vector<std::string> resolve(const std::string& host, std::string& error) {
    addrinfo hints{};
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    addrinfo* res = nullptr;
    if (const int rc = ::getaddrinfo(host.c_str(), nullptr, &hints, &res); rc != 0) {
        error = ::gai_strerror(rc);
        return {};
    }
    std::vector<std::string> v4, v6;
    for (auto* ai = res; ai; ai = ai->ai_next) {
        char buf[INET6_ADDRSTRLEN] = {};
        if (ai->ai_family == AF_INET)
            v4.emplace_back(::inet_ntop(AF_INET, &reinterpret_cast<sockaddr_in*>(ai->ai_addr)->sin_addr, buf, sizeof buf));
        else if (ai->ai_family == AF_INET6)
            v6.emplace_back(::inet_ntop(AF_INET6, &reinterpret_cast<sockaddr_in6*>(ai->ai_addr)->sin6_addr, buf, sizeof buf));
    }
    ::freeaddrinfo(res);
    v4.insert(v4.end(), v6.begin(), v6.end());
    if (v4.empty()) error = "no address";
    return v4;
}

}  // namespace

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
    if (!is_numeric(a.host)) {
        std::string error;
        const auto addresses = resolve(a.host, error);
        if (addresses.empty()) return bad(fmt::format("cannot resolve {}: {}", a.host, error));
        a.loopback = std::all_of(addresses.begin(), addresses.end(), [](const auto& x) { return is_loopback_address(x); });
        a.host = addresses.front();  // bound as checked: never resolved a second time
        return a;
    }
    a.loopback = is_loopback_address(a.host);
    return a;
}

}  // namespace ccai::cli::proxy
