#include "ccai/config.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <vector>
#include <fmt/format.h>
#include <toml++/toml.h>

#include "ccai/defaults.hpp"
#include "ccai/limits.hpp"
#include "ccai/redact.hpp"
#include "ccai/config_edit.hpp"
#include "config/config_files.hpp"
#include "config/setting_values.hpp"
#include "config/toml_ascii.hpp"
#include "util/edit_distance.hpp"

namespace ccai {

namespace {

using K = SettingKind;
constexpr double kDay = 86400;  // upper bound of every duration: a longer one is a typo, not a wish

constexpr SettingSpec kSettings[] = {
    {"host", "CCAI_HOST", "https://platform.kore.ai", false, "API base URL"},
    {"allow_http", "CCAI_ALLOW_HTTP", "", false, "true: allow plain http:// to a host other than this machine (the token travels in the clear)", K::boolean},
    {"ca_bundle", "CCAI_CA_BUNDLE", "", false, "PEM file of the CAs to trust (else CURL_CA_BUNDLE, SSL_CERT_FILE, SSL_CERT_DIR)", K::pem_file},
    {"account_id", "CCAI_ACCOUNT_ID", "", false, "account id (accountid header, {accountId})"},
    {"bot_id", "CCAI_BOT_ID", "", false, "bot / app id ({botId}, iid header)"},
    {"org_id", "CCAI_ORG_ID", "", false, "organization id ({orgId})"},
    {"client_id", "CCAI_CLIENT_ID", "", false, "app client id (JWT appId)"},
    {"client_secret", "CCAI_CLIENT_SECRET", "", true, "app client secret (signs the JWT)"},
    {"token", "CCAI_TOKEN", "", true, "a ready JWT, used instead of minting one"},
    {"jwt_sub", "CCAI_JWT_SUB", "ccai-cli", false, "JWT sub claim"},
    // The token is minted again a minute before it expires, so a shorter life would mean one per call.
    {"jwt_ttl", "CCAI_JWT_TTL", "3600", false, "JWT lifetime in seconds", K::whole, 120, kDay},
    {"jwt_jti", "CCAI_JWT_JTI", "", false, "true: give every JWT a unique jti (apps that enforce it)", K::boolean},
    {"rate_limit", "CCAI_RATE_LIMIT", "60/1m", false, "rolling window limit(s), e.g. 60/1m,1800/1h", K::rate_limit},
    {"pacer", "CCAI_PACER", "file", false, "pacer backend: file, memory, redis://[USER@]HOST:PORT[/DB] (password: redis_password)", K::pacer},
    // Never a flag, never in the URL: argv is visible to every user of the host.
    {"redis_password", "CCAI_REDIS_PASSWORD", "", true, "password of the redis pacer's user (AUTH; the user: redis://USER@HOST:PORT)"},
    {"pacer_dir", "CCAI_PACER_DIR", "", false, "file pacer state directory"},
    {"pacer_dir_shared", "CCAI_PACER_DIR_SHARED", "false", false, "true: accept a group-writable pacer_dir (your group shares it on purpose)", K::boolean},
    {"pacer_fallback", "CCAI_PACER_FALLBACK", "", false, "file: use the file pacer when redis is down", K::choice, 0, 0, "file"},
    {"pacer_scope", "CCAI_PACER_SCOPE", "", false, "name of the shared rate-limit budget (default: the account id, whatever the host's spelling)"},
    {"pacer_margin", "CCAI_PACER_MARGIN", "0.5%", false, "safety margin: windows of requests not yet answered treated as this much longer, e.g. 1%", K::percent, 0, 100},
    // Unset: a tenth of the smallest limit (pacer.hpp). The pacer refuses more than a window holds.
    {"burst", "CCAI_BURST", "", false, "calls that may go out back to back after idling, then one per interval (default: a tenth of the smallest limit)", K::whole, 1, 10000},
    // At most half: interactive calls, a person waiting, keep the larger part of every window.
    {"bulk_min_share", "CCAI_BULK_MIN_SHARE", "10%", false, "share of each window bulk calls keep however busy interactive ones are, e.g. 10% (0% to 50%)", K::percent, 0, 50},
    // Unset: by what runs the call (a batch and --all are bulk, the rest interactive; CallStats::priority).
    {"priority", "CCAI_PRIORITY", "", false, "interactive or bulk: which class of the account's budget every call takes (default: bulk for batch, --all and --watch, else interactive)", K::choice, 0, 0, "interactive|bulk"},
    {"max_penalty", "CCAI_MAX_PENALTY", "3600", false, "longest pause, seconds, a rate-limit rejection may impose on the account (a longer Retry-After is cut)", K::seconds, 1, kDay},
    {"output", "CCAI_OUTPUT", "", false, "json, jsonl, csv, yaml, table or text", K::choice, 0, 0, "json|jsonl|csv|yaml|table|text"},
    {"error_format", "CCAI_ERROR_FORMAT", "", false, "errors on stderr: text (a message and a hint), json (one object a line) or auto (text when stderr is a terminal)", K::choice, 0, 0, "auto|json|text"},
    {"timeout", "CCAI_TIMEOUT", "60", false, "total request timeout, seconds", K::seconds, 0.001, kDay},
    {"connect_timeout", "CCAI_CONNECT_TIMEOUT", "10", false, "connect timeout, seconds", K::seconds, 0.001, kDay},
    {"compression", "CCAI_COMPRESSION", "gzip", false, "gzip: ask for compressed answers (list pages); none: do not", K::choice, 0, 0, "gzip|none"},
    {"max_attempts", "CCAI_MAX_ATTEMPTS", "6", false, "attempts per call, the first included", K::whole, 1, 100},
    {"max_wait", "CCAI_MAX_WAIT", "300", false, "seconds a call may spend waiting, for the pacer and between retries together", K::seconds, 0, kDay},
    // Off unless asked for: a script that reads what it just changed elsewhere must not get an old answer.
    {"cache", "CCAI_CACHE", "0", false, "keep answers of read-only operations this long (30s, 5m) in $XDG_CACHE_HOME/ccai, shared by your processes; 0: off", K::duration, 0, kDay},
};

// A profile file holds a few tables of short values: anything larger is not one.
constexpr std::size_t kMaxConfigFileBytes = std::size_t{1} << 20;

std::string file_kind(mode_t mode) {
    if (S_ISDIR(mode)) return "a directory";
    if (S_ISFIFO(mode)) return "a FIFO";
    if (S_ISSOCK(mode)) return "a socket";
    if (S_ISCHR(mode) || S_ISBLK(mode)) return "a device";
    return "not a regular file";
}

}  // namespace

// One descriptor is opened, checked and read, so what is checked is what is read. O_NONBLOCK: a FIFO at the
// path must not hang the open.
Result<std::optional<std::string>> detail::read_config_file(const std::string& path, bool secrets) {
    const int fd = ::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
    if (fd < 0) {
        if (errno == ENOENT || errno == ENOTDIR) return std::optional<std::string>();
        return config_error(fmt::format("{}: cannot be opened for reading ({})", path, std::strerror(errno)));
    }
    struct Closer {
        int fd;
        ~Closer() { ::close(fd); }
    } closer{fd};
    struct stat st{};
    if (::fstat(fd, &st) != 0)
        return config_error(fmt::format("{}: cannot be opened for reading ({})", path, std::strerror(errno)));
    if (!S_ISREG(st.st_mode)) return config_error(fmt::format("{} is {}: it must be a regular file", path, file_kind(st.st_mode)));
    if (secrets) {
        // Another user's file could hand us their choice of account and secret, or be changed under us.
        if (st.st_uid != ::geteuid())
            return config_error(fmt::format("{} is owned by uid {}, not by you (uid {}): it must be yours, mode 600",
                                            path, st.st_uid, ::geteuid()));
        if ((st.st_mode & 077) != 0)
            return config_error(fmt::format(
                "{} is readable by group or others (mode {:o}); run: chmod 600 {}", path, st.st_mode & 0777, path));
    }
    auto text = read_bounded(fd, kMaxConfigFileBytes, path);
    if (!text) return config_error(text.error().message);
    return std::optional<std::string>(std::move(*text));
}

std::string detail::unknown_key_hint(std::string_view key) {
    std::string lower(key.substr(0, 64));  // a longer key is no typo of a setting, and the table stays small
    std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return std::tolower(c); });
    std::replace(lower.begin(), lower.end(), '-', '_');
    std::vector<std::string_view> keys;
    for (const auto& spec : setting_specs()) keys.push_back(spec.key);
    const auto best = detail::closest_name(lower, keys);
    if (!best.empty()) return fmt::format("did you mean {}?", best);
    std::string known;
    for (const auto& spec : setting_specs()) known += (known.empty() ? "" : ", ") + std::string(spec.key);
    return "the keys are: " + known;
}

namespace {

// Every table of the file, not only the selected profile's: a typo in [prod] is found before someone
// selects prod. A key outside any table belongs to no profile and would never be read. Of several
// mistakes, the first in the file is reported (toml++ keeps keys sorted, not in file order).
Result<Unit> check_keys(const std::string& path, const toml::table& doc) {
    const auto known = [](std::string_view key) {
        const auto specs = setting_specs();
        return std::any_of(specs.begin(), specs.end(), [&](const SettingSpec& s) { return s.key == key; });
    };
    const toml::key* first = nullptr;  // the mistake earliest in the file
    const toml::key* first_table = nullptr;  // its table; null: outside any table
    const auto found = [&](const toml::key& at, const toml::key* table) {
        if (!first || at.source().begin.line < first->source().begin.line) first = &at, first_table = table;
    };
    for (const auto& [name, node] : doc) {
        if (const auto* table = node.as_table()) {
            for (const auto& [key, value] : *table)
                if (!known(key.str())) found(key, &name);
        } else {
            found(name, nullptr);
        }
    }
    if (!first) return Unit{};
    const auto line = first->source().begin.line;
    if (!first_table)
        return config_error(fmt::format("{}:{}: '{}' is outside any [profile] table: put it under one, e.g. [default]",
                                        path, line, first->str()));
    return config_error(fmt::format("{}:{}: unknown key '{}' in [{}]; {}", path, line, first->str(), first_table->str(),
                                    detail::unknown_key_hint(first->str())));
}

}  // namespace

Result<bool> detail::read_profile(const std::string& path, const std::string& profile, bool secrets,
                                  std::map<std::string, std::string>& out, std::vector<std::string>* names) {
    auto read = read_config_file(path, secrets);
    if (!read) return read.error();
    if (!*read) return false;
    const std::string& text = **read;
    if (auto at = detail::first_non_ascii_outside_values(text))
        return config_error(fmt::format("{}:{}:{}: non-ASCII text is only read in comments and in quoted values "
                                        "(key = \"...\")",
                                        path, at->line, at->column));
    toml::table doc;
    try {
        doc = toml::parse(text, path);
    } catch (const toml::parse_error& e) {
        return config_error(fmt::format("{}:{}:{}: {}", path, e.source().begin.line, e.source().begin.column,
                                        e.description()));
    }
    if (auto ok = check_keys(path, doc); !ok) return ok.error();
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

std::span<const SettingSpec> setting_specs() { return kSettings; }

std::string_view setting_default(std::string_view key) {
    for (const auto& s : kSettings)
        if (s.key == key) return s.default_value;
    return {};
}

double setting_default_number(std::string_view key) {
    const std::string text(setting_default(key));
    char* end = nullptr;
    const double v = std::strtod(text.c_str(), &end);
    return !text.empty() && end == text.c_str() + text.size() ? v : 0;
}

std::chrono::milliseconds milliseconds_rounded_up(double seconds) {
    return std::chrono::milliseconds(static_cast<long long>(std::ceil(seconds * 1000)));
}

std::chrono::milliseconds setting_default_duration(std::string_view key) {
    return milliseconds_rounded_up(setting_default_number(key));
}

namespace {
bool is_secret(std::string_view key) {
    for (const auto& spec : kSettings)
        if (spec.key == key) return spec.secret;
    return false;
}

// The password of a URL's user information (redis://:PASSWORD@host), or "".
std::string_view url_password(std::string_view url) {
    const auto scheme = url.find("://");
    if (scheme == std::string_view::npos) return {};
    const auto rest = url.substr(scheme + 3);
    const auto at = rest.rfind('@');  // host and path hold none: a password may ('/' too)
    if (at == std::string_view::npos) return {};
    const auto colon = rest.substr(0, at).find(':');
    return colon == std::string_view::npos ? std::string_view{} : rest.substr(colon + 1, at - colon - 1);
}
}  // namespace

const std::string& Config::get(std::string_view key) const {
    static const std::string empty;
    const auto it = values_.find(key);
    return it == values_.end() ? empty : it->second.value;
}

void Config::set(std::string key, std::string value, std::string origin) {
    const bool secret = is_secret(key);
    if (secret) register_secret(value);  // masked in every output from now on, whatever prints it
    if (key == "pacer") {
        if (const auto password = url_password(value); !password.empty()) register_secret(password);
    }
    auto& slot = values_[std::move(key)];
    if (secret) secure_clear(slot.value);
    slot = Setting{std::move(value), std::move(origin)};
}

void Config::cleanse_secrets() {
    for (auto& [key, setting] : values_)
        if (is_secret(key)) secure_clear(setting.value);
}

Config& Config::operator=(const Config& other) {
    if (this != &other) {
        cleanse_secrets();
        values_ = other.values_;
        profile_ = other.profile_;
        config_dir_ = other.config_dir_;
        profiles_ = other.profiles_;
    }
    return *this;
}

Config& Config::operator=(Config&& other) noexcept {
    if (this != &other) {
        cleanse_secrets();
        values_ = std::move(other.values_);
        profile_ = std::move(other.profile_);
        config_dir_ = std::move(other.config_dir_);
        profiles_ = std::move(other.profiles_);
    }
    return *this;
}

Config::~Config() { cleanse_secrets(); }

namespace {
ConfigSources with_getenv(const ConfigSources& in) {
    ConfigSources s = in;
    if (!s.getenv) s.getenv = [](const char* n) -> std::optional<std::string> {
        const char* v = std::getenv(n);
        return v ? std::optional<std::string>(v) : std::nullopt;
    };
    return s;
}
}  // namespace

std::string config_directory(const ConfigSources& in) {
    if (!in.config_dir.empty()) return in.config_dir;
    const auto s = with_getenv(in);
    if (auto x = s.getenv("XDG_CONFIG_HOME"); x && !x->empty()) return *x + "/ccai";
    if (auto h = s.getenv("HOME"); h && !h->empty()) return *h + "/.config/ccai";
    return ".ccai";
}

std::string selected_profile(const ConfigSources& in) {
    const auto s = with_getenv(in);
    if (auto f = s.flags.find("profile"); f != s.flags.end()) return f->second;
    if (auto e = s.getenv("CCAI_PROFILE"); e && !e->empty()) return *e;
    return "default";
}

Result<Config> Config::load(const ConfigSources& in) {
    const ConfigSources s = with_getenv(in);
    Config c;
    c.config_dir_ = config_directory(s);
    c.profile_ = selected_profile(s);
    const bool explicit_profile = s.flags.contains("profile") || s.getenv("CCAI_PROFILE").value_or("") != "";

    std::map<std::string, std::string> profile, creds;
    // Both maps may hold a secret (config.toml is refused when it does): cleansed on every way out.
    struct CleanseOnExit {
        std::map<std::string, std::string>& a;
        std::map<std::string, std::string>& b;
        ~CleanseOnExit() {
            for (auto* m : {&a, &b})
                for (auto& [k, v] : *m) secure_clear(v);
        }
    } cleanse_maps{profile, creds};
    const auto config_path = c.config_dir_ + "/config.toml";
    const auto creds_path = c.config_dir_ + "/credentials";
    auto found = detail::read_profile(config_path, c.profile_, false, profile, &c.profiles_);
    if (!found) return found.error();
    auto found_creds = detail::read_profile(creds_path, c.profile_, true, creds, nullptr);
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
            if (spec.secret) secure_clear(*e);
        } else if (auto p = creds.find(key); p != creds.end()) {
            c.set(key, p->second, fmt::format("credentials [{}] ({})", c.profile_, creds_path));
        } else if (auto q = profile.find(key); q != profile.end()) {
            c.set(key, q->second, fmt::format("profile [{}] ({})", c.profile_, config_path));
        } else if (!spec.default_value.empty()) {
            c.set(key, std::string(spec.default_value), "default");
        }
    }
    if (auto valid = validate_settings(c); !valid) return valid.error();
    return c;
}

std::string mask_secret(std::string_view value) {
    if (value.empty()) return "";
    return std::string(value.substr(0, std::min<size_t>(2, value.size() / 4))) + "****";
}

}  // namespace ccai
