// Names: the scope's hash (file name, redis key) and redis://HOST:PORT[/DB] URLs.
#include <charconv>

#include <fmt/format.h>

#include "pacer/internal.hpp"
#include "secrets/sha256.hpp"

namespace ccai::detail {

namespace {
bool to_int(std::string_view s, int& out) {
    const auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
    return !s.empty() && ec == std::errc() && p == s.data() + s.size() && out >= 0;
}
}  // namespace

Result<RedisUrl> parse_redis_url(const std::string& url) {
    const auto bad = [&] { return config_error(fmt::format("pacer: bad redis URL '{}' (expected redis://HOST:PORT[/DB])", url)); };
    std::string_view rest(url);
    if (rest.substr(0, 8) != "redis://") return bad();
    rest.remove_prefix(8);
    RedisUrl u;
    if (const auto slash = rest.find('/'); slash != std::string_view::npos) {
        if (!to_int(rest.substr(slash + 1), u.db)) return bad();
        rest = rest.substr(0, slash);
    }
    if (const auto colon = rest.rfind(':'); colon != std::string_view::npos) {
        if (!to_int(rest.substr(colon + 1), u.port) || u.port == 0 || u.port > 65535) return bad();
        rest = rest.substr(0, colon);
    }
    if (rest.empty()) return bad();
    u.host = std::string(rest);
    return u;
}

std::string sha256_hex(const std::string& s) {
    std::string out;
    for (unsigned char b : sha256(s)) out += fmt::format("{:02x}", b);
    return out;
}

// Hashed so account ids never show up in a shared redis; the braces keep both keys on one cluster slot.
std::string scope_key(const std::string& scope) {
    return "ccai:pacer:{" + sha256_hex(scope).substr(0, 32) + "}";
}

}  // namespace ccai::detail
