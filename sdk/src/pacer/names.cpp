// Names: the scope's hash (file name, redis key) and redis://[USER@]HOST:PORT[/DB] URLs.
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

std::string_view redis_url_refusal(std::string_view url) {
    if (url.starts_with("rediss://"))
        return "TLS (rediss://) needs a hiredis built with TLS, and this one is not: run a local TLS tunnel (stunnel "
               "or socat, see docs/pacing.md) and point the pacer at its plain end, redis://127.0.0.1:PORT";
    if (!url.starts_with("redis://")) return {};
    // Host and database hold no '@': up to the last one is user information, whatever a password holds ('/' too).
    const auto rest = url.substr(8);
    const auto at = rest.rfind('@');
    if (at != std::string_view::npos && rest.substr(0, at).find(':') != std::string_view::npos)
        return "a password in the URL is refused (a command line is visible to every user of the host, and stays in "
               "shell history): set CCAI_REDIS_PASSWORD or redis_password in the credentials file, and name only "
               "the user: redis://USER@HOST:PORT[/DB]";
    return {};
}

Result<RedisUrl> parse_redis_url(const std::string& url) {
    // Neither refusal repeats the URL: it may hold a password.
    if (const auto why = redis_url_refusal(url); !why.empty()) return config_error(fmt::format("pacer: {}", why));
    const auto bad = [&] {
        return config_error(fmt::format("pacer: bad redis URL '{}' (expected redis://[USER@]HOST:PORT[/DB])", url));
    };
    std::string_view rest(url);
    if (rest.substr(0, 8) != "redis://") return bad();
    rest.remove_prefix(8);
    RedisUrl u;
    // An ACL user (redis 6+); its password never comes from the URL (redis_url_refusal).
    if (const auto at = rest.rfind('@'); at != std::string_view::npos) {
        u.user = std::string(rest.substr(0, at));
        if (u.user.empty() || u.user.find('/') != std::string::npos) return bad();
        rest.remove_prefix(at + 1);
    }
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
