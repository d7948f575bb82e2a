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

#include "ccai/error.hpp"

namespace ccai {

/// @brief One setting the SDK knows: its key, environment variable, default and whether it is a secret.
struct SettingSpec {
    std::string_view key;  ///< "host", "account_id", ...
    std::string_view env;  ///< "CCAI_HOST" ("" when none)
    std::string_view default_value;
    bool secret;  ///< masked in every output; read from the credentials file, never from config.toml
    std::string_view desc;
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

/// @brief The resolved configuration of one invocation.
class Config {
public:
    /// @brief Value of a setting ("" when unset).
    [[nodiscard]] const std::string& get(std::string_view key) const;
    [[nodiscard]] bool has(std::string_view key) const { return !get(key).empty(); }
    [[nodiscard]] const std::map<std::string, Setting, std::less<>>& all() const { return values_; }
    [[nodiscard]] const std::string& profile() const { return profile_; }
    [[nodiscard]] const std::string& config_dir() const { return config_dir_; }
    /// @brief Profile names found in config.toml (for completions and `config profiles`).
    [[nodiscard]] const std::vector<std::string>& profiles() const { return profiles_; }
    void set(std::string key, std::string value, std::string origin);

    /// @brief Resolve every setting. Errors (exit 3): unreadable or malformed files, a credentials file
    /// readable by group or others, an unknown profile that was asked for explicitly.
    static Result<Config> load(const ConfigSources& sources);

private:
    std::map<std::string, Setting, std::less<>> values_;
    std::string profile_ = "default";
    std::string config_dir_;
    std::vector<std::string> profiles_;
};

/// @brief "abcd…" style mask for secrets: never more than the first 2 characters.
std::string mask_secret(std::string_view value);

}  // namespace ccai
