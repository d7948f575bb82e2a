// The host setting: parse_base_url and base_url (the http:// rule).
// Input: 1 byte (odd: allow_http = true), then the host text.
// Invariant: an accepted host has a scheme (https or http), no query, fragment, user information, space or
// control character, no dot or empty segment in its base path; it parses again to itself; and without
// allow_http, plain http is accepted only for loopback.
#include <cstddef>
#include <cstdint>
#include <string>

#include "ccai/base_url.hpp"
#include "ccai/request_builder.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size < 1) return 0;
    const std::string host(reinterpret_cast<const char*>(data + 1), size - 1);
    const auto url = ccai::parse_base_url(host);
    if (url) {
        const std::string& t = url->text;
        if (!t.starts_with("https://") && !t.starts_with("http://")) __builtin_trap();
        if (t.find_first_of("?#\\") != std::string::npos) __builtin_trap();
        const auto authority = t.substr(t.find("://") + 3, t.find('/', t.find("://") + 3) - t.find("://") - 3);
        if (authority.find('@') != std::string::npos) __builtin_trap();  // '@' may only sit in the base path
        for (const unsigned char c : t)
            if (c <= 0x20 || c >= 0x7f) __builtin_trap();
        if (t.ends_with("/")) __builtin_trap();
        const auto again = ccai::parse_base_url(t);
        if (!again || again->text != t || again->loopback != url->loopback) __builtin_trap();
        if (url->host.empty()) __builtin_trap();
        const std::string_view prefix = url->prefix;
        for (size_t i = 1; i <= prefix.size() && !prefix.empty();) {
            const auto j = std::min(prefix.find('/', i), prefix.size());
            const auto segment = prefix.substr(i, j - i);
            if (segment.empty() || ccai::is_dot_segment(segment)) __builtin_trap();
            i = j + 1;
        }
        if (url->loopback && url->host != "localhost" && !url->host.starts_with("127.") && !url->host.starts_with("["))
            __builtin_trap();
    }
    ccai::Config config;
    config.set("host", host, "env CCAI_HOST");
    if (data[0] & 1) config.set("allow_http", "true", "flag");
    const auto checked = ccai::base_url(config);
    if (checked) {
        if (!url || checked->text != url->text) __builtin_trap();
        if (checked->scheme == "http" && !checked->loopback && !(data[0] & 1)) __builtin_trap();
    }
    return 0;
}
