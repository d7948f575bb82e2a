#include "ccai/config.hpp"

#include <sys/stat.h>

#include <cstdlib>
#include <filesystem>
#include <fmt/format.h>
#include <fstream>
#include <sstream>
#include <toml++/toml.h>

#include "toml_ascii.hpp"

namespace ccai {

namespace {

constexpr SettingSpec kSettings[] = {
    {"host", "CCAI_HOST", "https://platform.kore.ai", false, "API base URL"},
    {"allow_http", "CCAI_ALLOW_HTTP", "", false, "allow plain http:// to a host other than this machine (the token travels in the clear)"},
    {"account_id", "CCAI_ACCOUNT_ID", "", false, "account id (accountid header, {accountId})"},
    {"bot_id", "CCAI_BOT_ID", "", false, "bot / app id ({botId}, iid header)"},
    {"org_id", "CCAI_ORG_ID", "", false, "organization id ({orgId})"},
    {"client_id", "CCAI_CLIENT_ID", "", false, "app client id (JWT appId)"},
    {"client_secret", "CCAI_CLIENT_SECRET", "", true, "app client secret (signs the JWT)"},
    {"token", "CCAI_TOKEN", "", true, "a ready JWT, used instead of minting one"},
    {"jwt_sub", "CCAI_JWT_SUB", "ccai-cli", false, "JWT sub claim"},
    {"jwt_ttl", "CCAI_JWT_TTL", "3600", false, "JWT lifetime in seconds"},
    {"jwt_jti", "CCAI_JWT_JTI", "", false, "true: give every JWT a unique jti (apps that enforce it)"},
    {"rate_limit", "CCAI_RATE_LIMIT", "60/1m", false, "rolling window limit(s), e.g. 60/1m,1800/1h"},
    {"pacer", "CCAI_PACER", "file", false, "pacer backend: file, memory, redis://HOST:PORT[/DB]"},
    {"pacer_dir", "CCAI_PACER_DIR", "", false, "file pacer state directory"},
    {"pacer_fallback", "CCAI_PACER_FALLBACK", "", false, "file: use the file pacer when redis is down"},
    {"pacer_margin", "CCAI_PACER_MARGIN", "0.5%", false, "safety margin: windows of requests not yet answered treated as this much longer, e.g. 1%"},
    {"output", "CCAI_OUTPUT", "", false, "json, jsonl or table"},
    {"timeout", "CCAI_TIMEOUT", "60", false, "total request timeout, seconds"},
    {"connect_timeout", "CCAI_CONNECT_TIMEOUT", "10", false, "connect timeout, seconds"},
    {"compression", "CCAI_COMPRESSION", "gzip", false, "gzip: ask for compressed answers (list pages); none: do not"},
    {"max_attempts", "CCAI_MAX_ATTEMPTS", "6", false, "attempts per call, the first included"},
    {"max_wait", "CCAI_MAX_WAIT", "300", false, "seconds a call may spend waiting to retry"},
};

std::string default_config_dir(const ConfigSources& s) {
    if (auto x = s.getenv("XDG_CONFIG_HOME"); x && !x->empty()) return *x + "/ccai";
    if (auto h = s.getenv("HOME"); h && !h->empty()) return *h + "/.config/ccai";
    return ".ccai";
}

// Reads one [profile] table of a TOML file into `out` (string, integer, float and boolean values).
Result<bool> read_profile(const std::string& path, const std::string& profile, bool secrets,
                          std::map<std::string, std::string>& out, std::vector<std::string>* names) {
    if (!std::filesystem::exists(path)) return false;
    if (secrets) {
        struct stat st{};
        if (::stat(path.c_str(), &st) == 0 && (st.st_mode & 077) != 0)
            return config_error(fmt::format(
                "{} is readable by group or others (mode {:o}); run: chmod 600 {}", path, st.st_mode & 0777, path));
    }
    std::ifstream in(path, std::ios::binary);
    if (!in) return config_error(fmt::format("{}: cannot be opened for reading", path));
    std::ostringstream text;
    text << in.rdbuf();
    if (auto at = detail::first_non_ascii_outside_values(text.view()))
        return config_error(fmt::format("{}:{}:{}: non-ASCII text is only read in comments and in quoted values "
                                        "(key = \"...\")",
                                        path, at->line, at->column));
    toml::table doc;
    try {
        doc = toml::parse(text.view(), path);
    } catch (const toml::parse_error& e) {
        return config_error(fmt::format("{}:{}:{}: {}", path, e.source().begin.line, e.source().begin.column,
                                        e.description()));
    }
    if (names)
        for (const auto& [k, v] : doc)
            if (v.is_table()) names->emplace_back(k.str());
    const auto* table = doc[profile].as_table();
    if (!table) return false;
    for (const auto& [k, v] : *table) {
        std::string value;
        // By the node's own type: value<long long>() would convert a float, out of range for 1e30.
        if (auto* s = v.as_string()) value = s->get();
        else if (auto* i = v.as_integer()) value = std::to_string(i->get());
        else if (auto* d = v.as_floating_point()) value = fmt::format("{}", d->get());
        else if (auto* b = v.as_boolean()) value = b->get() ? "true" : "false";
        else return config_error(fmt::format("{}: [{}] {} must be a string, number or boolean", path, profile, k.str()));
        out[std::string(k.str())] = value;
    }
    return true;
}

}  // namespace

std::span<const SettingSpec> setting_specs() { return kSettings; }

const std::string& Config::get(std::string_view key) const {
    static const std::string empty;
    const auto it = values_.find(key);
    return it == values_.end() ? empty : it->second.value;
}

void Config::set(std::string key, std::string value, std::string origin) {
    values_[std::move(key)] = Setting{std::move(value), std::move(origin)};
}

Result<Config> Config::load(const ConfigSources& in) {
    ConfigSources s = in;
    if (!s.getenv) s.getenv = [](const char* n) -> std::optional<std::string> {
        const char* v = std::getenv(n);
        return v ? std::optional<std::string>(v) : std::nullopt;
    };
    Config c;
    c.config_dir_ = s.config_dir.empty() ? default_config_dir(s) : s.config_dir;
    bool explicit_profile = true;
    if (auto f = s.flags.find("profile"); f != s.flags.end()) c.profile_ = f->second;
    else if (auto e = s.getenv("CCAI_PROFILE"); e && !e->empty()) c.profile_ = *e;
    else explicit_profile = false;

    std::map<std::string, std::string> profile, creds;
    const auto config_path = c.config_dir_ + "/config.toml";
    const auto creds_path = c.config_dir_ + "/credentials";
    auto found = read_profile(config_path, c.profile_, false, profile, &c.profiles_);
    if (!found) return found.error();
    auto found_creds = read_profile(creds_path, c.profile_, true, creds, nullptr);
    if (!found_creds) return found_creds.error();
    if (explicit_profile && !*found && !*found_creds)
        return config_error(fmt::format("profile '{}' not found in {} or {}", c.profile_, config_path, creds_path));

    // Secrets in config.toml would be world-readable by habit; insist on the 0600 credentials file, even
    // when the environment would override them.
    for (const auto& spec : kSettings)
        if (spec.secret && profile.count(std::string(spec.key)))
            return config_error(fmt::format("{} must not be in {}: move it to {} (mode 600)", spec.key, config_path, creds_path));

    for (const auto& spec : kSettings) {
        const std::string key(spec.key);
        if (auto f = s.flags.find(key); f != s.flags.end()) {
            c.set(key, f->second, "flag");
        } else if (auto e = spec.env.empty() ? std::nullopt : s.getenv(std::string(spec.env).c_str()); e && !e->empty()) {
            c.set(key, *e, fmt::format("env {}", spec.env));
        } else if (auto p = creds.find(key); p != creds.end()) {
            c.set(key, p->second, fmt::format("credentials [{}] ({})", c.profile_, creds_path));
        } else if (auto q = profile.find(key); q != profile.end()) {
            c.set(key, q->second, fmt::format("profile [{}] ({})", c.profile_, config_path));
        } else if (!spec.default_value.empty()) {
            c.set(key, std::string(spec.default_value), "default");
        }
    }
    return c;
}

std::string mask_secret(std::string_view value) {
    if (value.empty()) return "";
    return std::string(value.substr(0, std::min<size_t>(2, value.size() / 4))) + "****";
}

}  // namespace ccai
