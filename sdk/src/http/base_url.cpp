// The host setting: parsed, refused when a request could go somewhere the user did not mean or carry the
// token in the clear, and normalised so that every spelling of one host names one pacer scope.
#include "ccai/base_url.hpp"

#include <arpa/inet.h>

#include <algorithm>
#include <cctype>

#include <fmt/format.h>

#include "ccai/request_builder.hpp"

namespace ccai {

namespace {

std::string lower(std::string_view s) {
    std::string out(s);
    std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return std::tolower(c); });
    return out;
}

bool is_hex(char c) { return std::isxdigit(static_cast<unsigned char>(c)) != 0; }

// RFC 3986 pchar: unreserved, sub-delims, ':', '@', or a %XX escape.
bool path_chars_ok(std::string_view segment) {
    constexpr std::string_view kAllowed = "-._~!$&'()*+,;=:@";
    for (size_t i = 0; i < segment.size(); ++i) {
        const char c = segment[i];
        if (c == '%') {
            if (i + 2 >= segment.size() || !is_hex(segment[i + 1]) || !is_hex(segment[i + 2])) return false;
            i += 2;
        } else if (!std::isalnum(static_cast<unsigned char>(c)) && kAllowed.find(c) == std::string_view::npos) {
            return false;
        }
    }
    return true;
}

bool is_loopback(const std::string& host) {
    if (host == "localhost") return true;  // libcurl answers it itself, without asking DNS
    unsigned char addr[16];
    if (::inet_pton(AF_INET, host.c_str(), addr) == 1) return addr[0] == 127;
    if (host.size() > 2 && host.front() == '[' && host.back() == ']' &&
        ::inet_pton(AF_INET6, host.substr(1, host.size() - 2).c_str(), addr) == 1) {
        static constexpr unsigned char kV4Mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
        if (std::equal(addr, addr + 12, kV4Mapped)) return addr[12] == 127;  // ::ffff:127.x.y.z
        return std::all_of(addr, addr + 15, [](unsigned char b) { return b == 0; }) && addr[15] == 1;  // ::1
    }
    return false;
}

// The host part of the authority: a DNS name or IPv4 address, or a bracketed IPv6 address.
Result<Unit> check_host(const std::string& host) {
    if (host.empty()) return invalid_input("names no host (expected https://HOST[:PORT][/base-path])");
    if (host.front() == '[') {
        unsigned char addr[16];
        if (host.back() != ']' || ::inet_pton(AF_INET6, host.substr(1, host.size() - 2).c_str(), addr) != 1)
            return invalid_input(fmt::format("'{}' is not an IPv6 address in brackets", host));
        return Unit{};
    }
    const bool ok = std::all_of(host.begin(), host.end(), [](unsigned char c) {
        return std::isalnum(c) || c == '-' || c == '.' || c == '_';
    });
    if (!ok) return invalid_input(fmt::format("'{}' is not a host name (letters, digits, '-', '.')", host));
    return Unit{};
}

Result<std::string> check_port(std::string_view port, std::string_view scheme) {
    if (port.empty() || port.size() > 5 || !std::all_of(port.begin(), port.end(), [](unsigned char c) { return std::isdigit(c); }))
        return invalid_input(fmt::format("port '{}' is not a number from 1 to 65535", port));
    const long n = std::stol(std::string(port));
    if (n < 1 || n > 65535) return invalid_input(fmt::format("port '{}' is not a number from 1 to 65535", port));
    if ((scheme == "https" && n == 443) || (scheme == "http" && n == 80)) return std::string();
    return std::to_string(n);
}

// The base path: kept as written, without trailing slashes; it must not move out of itself.
Result<std::string> check_prefix(std::string_view path) {
    while (path.ends_with('/')) path.remove_suffix(1);
    if (path.empty()) return std::string();
    size_t start = 1;  // path[0] is '/'
    while (start <= path.size()) {
        const auto end = std::min(path.find('/', start), path.size());
        const auto segment = path.substr(start, end - start);
        if (segment.empty()) return invalid_input("has an empty segment ('//') in its base path");
        if (is_dot_segment(segment))
            return invalid_input(fmt::format("has a '.' or '..' segment in its base path ('{}')", segment));
        if (!path_chars_ok(segment))
            return invalid_input(fmt::format("base path segment '{}' holds a character a URL path cannot hold unescaped", segment));
        start = end + 1;
    }
    return std::string(path);
}

Result<bool> allow_http(const Config& config) {
    const auto& v = config.get("allow_http");
    if (v.empty() || v == "false") return false;
    if (v == "true") return true;
    return setting_error(config, "allow_http", fmt::format("'{}' must be true or false", v));
}

}  // namespace

Result<BaseUrl> parse_base_url(std::string_view text) {
    if (text.empty()) return invalid_input("is empty (expected https://HOST[:PORT][/base-path])");
    for (const char ch : text) {
        const auto c = static_cast<unsigned char>(ch);
        if (c <= 0x20 || c == 0x7f) return invalid_input("holds a space or a control character");
        if (c >= 0x80) return invalid_input("holds non-ASCII text: write an international name in its xn-- form");
    }
    // Before anything else, and without echoing them: they may carry a secret (?key=, user:password@).
    if (text.find_first_of("?#") != std::string_view::npos)
        return invalid_input("has a query or fragment ('?' or '#'): the API path would end up inside it; "
                             "give only https://HOST[:PORT][/base-path]");
    BaseUrl url;
    std::string_view rest = text;
    if (const auto sep = text.find("://"); sep != std::string_view::npos) {
        url.scheme = lower(text.substr(0, sep));
        rest = text.substr(sep + 3);
        if (url.scheme != "https" && url.scheme != "http")
            return invalid_input(fmt::format("scheme '{}' is not supported: use https:// (http:// only for a local "
                                             "server)", text.substr(0, sep)));
    } else {
        url.scheme = "https";  // never plain http by accident
    }
    const auto slash = rest.find('/');
    const auto authority = rest.substr(0, slash);
    if (authority.find('@') != std::string_view::npos)
        return invalid_input("holds user information (user@host): credentials do not belong in the host setting");
    if (authority.find('\\') != std::string_view::npos)
        return invalid_input("holds a backslash, which some URL parsers read as '/'");
    std::string_view host = authority, port;
    if (authority.starts_with('[')) {
        const auto close = authority.find(']');
        if (close != std::string_view::npos && close + 1 < authority.size()) {
            if (authority[close + 1] != ':')
                return invalid_input(fmt::format("'{}' has text after the IPv6 address", authority));
            host = authority.substr(0, close + 1);
            port = authority.substr(close + 2);
            if (port.empty()) return invalid_input("has ':' but no port after it");
        }
    } else if (const auto colon = authority.find(':'); colon != std::string_view::npos) {
        host = authority.substr(0, colon);
        port = authority.substr(colon + 1);
        if (port.empty()) return invalid_input("has ':' but no port after it");
    }
    url.host = lower(host);
    if (auto ok = check_host(url.host); !ok) return ok.error();
    if (!port.empty()) {
        auto p = check_port(port, url.scheme);
        if (!p) return p.error();
        url.port = *p;
    }
    if (slash != std::string_view::npos) {
        auto prefix = check_prefix(rest.substr(slash));
        if (!prefix) return prefix.error();
        url.prefix = *prefix;
    }
    url.loopback = is_loopback(url.host);
    url.text = url.scheme + "://" + url.host + (url.port.empty() ? "" : ":" + url.port) + url.prefix;
    return url;
}

Result<BaseUrl> base_url(const Config& config) {
    const auto& host = config.get("host");
    if (host.empty()) {
        if (config.all().contains("host")) return setting_error(config, "host", "is empty (expected https://HOST)");
        return config_error("no host configured: set host in the profile, CCAI_HOST or --host");
    }
    auto url = parse_base_url(host);
    if (!url) return setting_error(config, "host", url.error().message);
    auto allowed = allow_http(config);
    if (!allowed) return allowed.error();
    if (url->scheme == "http" && !url->loopback && !*allowed)
        return setting_error(
            config, "host",
            fmt::format("{} is plain http:// to a host other than this machine: the token would cross the network "
                        "in the clear. Use https://, or, if you mean it, --allow-http (allow_http = true, "
                        "CCAI_ALLOW_HTTP=true)",
                        url->text));
    return url;
}

}  // namespace ccai
