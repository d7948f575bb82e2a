#pragma once
/// @file config.hpp
/// @brief Settings resolved from flags > environment > profile (config.toml, credentials) > defaults,
/// each value remembering where it came from.

#include <functional>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "ccai/error.hpp"

namespace ccai {

/// @brief The values a setting accepts. validate_settings() checks every value against its row, whatever
/// its origin, so a bad value stops a call before any request.
enum class SettingKind {
    text,        ///< any text (hosts, ids, paths, secrets: checked where they are used)
    boolean,     ///< true or false ("" means false)
    seconds,     ///< a number of seconds from `min` to `max`, fractions allowed
    duration,    ///< seconds or a duration with units ("30s", "5m", "1h30m": parse_duration), `min` to `max` seconds
    whole,       ///< a whole number from `min` to `max`
    choice,      ///< one of `choices` ("" means the default)
    percent,     ///< a percentage ("1%") or a fraction ("0.01"), from `min` to `max` percent
    rate_limit,  ///< LIMIT/WINDOW[,LIMIT/WINDOW...], e.g. 60/1m,1800/1h
    pacer,       ///< file, memory or redis://HOST:PORT[/DB] ("" means file)
    pem_file,    ///< a readable file of PEM certificates ("" means none)
};

/// @brief One setting the SDK knows: its key, environment variable, default, whether it is a secret, and
/// the values it accepts. The table (setting_specs()) is the one place for defaults and ranges.
struct SettingSpec {
    std::string_view key;  ///< "host", "account_id", ...
    std::string_view env;  ///< "CCAI_HOST" ("" when none)
    std::string_view default_value;
    bool secret;  ///< masked in every output; read from the credentials file, never from config.toml
    std::string_view desc;
    SettingKind kind = SettingKind::text;
    double min = 0;  ///< seconds, whole, percent: the smallest value accepted
    double max = 0;  ///< ... and the largest
    std::string_view choices = {};  ///< choice: the accepted values, '|'-separated
};

/// @brief All settings, in display order.
std::span<const SettingSpec> setting_specs();

/// @brief A resolved value and its origin ("flag", "env CCAI_HOST", "profile default (/path)", "default").
struct Setting {
    std::string value;
    std::string origin;
};

/// @brief Where to look; tests point these at temporary files and a fake environment.
struct ConfigSources {
    std::map<std::string, std::string> flags;  ///< by key; only the flags the user gave
    std::function<std::optional<std::string>(const char*)> getenv;  ///< default: ::getenv
    std::string config_dir;  ///< default: $XDG_CONFIG_HOME/ccai or ~/.config/ccai
};

/// @brief The resolved configuration of one invocation. Secret values (client_secret, token) are added to
/// the redaction registry (redact.hpp) when set, and cleansed when replaced or destroyed.
class Config {
public:
    Config() = default;
    Config(const Config&) = default;
    Config(Config&&) noexcept = default;
    Config& operator=(const Config& other);
    Config& operator=(Config&& other) noexcept;
    ~Config();

    /// @brief Value of a setting ("" when unset).
    [[nodiscard]] const std::string& get(std::string_view key) const;
    [[nodiscard]] bool has(std::string_view key) const { return !get(key).empty(); }
    /// @brief A seconds, whole or percent setting as a number (a percentage as a fraction: 0.5% is 0.005);
    /// the table's default when unset or not a valid value (validate_settings() reports those).
    [[nodiscard]] double number(std::string_view key) const;
    /// @brief A boolean setting: true only when it is "true".
    [[nodiscard]] bool enabled(std::string_view key) const { return get(key) == "true"; }
    [[nodiscard]] const std::map<std::string, Setting, std::less<>>& all() const { return values_; }
    [[nodiscard]] const std::string& profile() const { return profile_; }
    [[nodiscard]] const std::string& config_dir() const { return config_dir_; }
    /// @brief Profile names found in config.toml (for completions and `config profiles`).
    [[nodiscard]] const std::vector<std::string>& profiles() const { return profiles_; }
    void set(std::string key, std::string value, std::string origin);

    /// @brief Resolve every setting, then validate_settings(). Errors (config): unreadable or malformed
    /// files, a credentials file readable by group or others, an unknown profile that was asked for
    /// explicitly; a bad value (invalid_input from a flag, config from anywhere else).
    static Result<Config> load(const ConfigSources& sources);

private:
    void cleanse_secrets();

    std::map<std::string, Setting, std::less<>> values_;
    std::string profile_ = "default";
    std::string config_dir_;
    std::vector<std::string> profiles_;
};

/// @brief Checks every value against its row of the settings table: kind and range. The error names the
/// setting, the value, where it came from and what is accepted; it is invalid_input for a flag
/// and a config error for the environment, a profile or a program's own Config::set.
Result<Unit> validate_settings(const Config& config);

/// @brief "abcd…" style mask for secrets: never more than the first 2 characters.
std::string mask_secret(std::string_view value);

}  // namespace ccai
