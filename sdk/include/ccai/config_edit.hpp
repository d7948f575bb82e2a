#pragma once
/// @file config_edit.hpp
/// @brief Changing settings of one profile in config.toml or credentials. A TOML library rewrites a whole
/// file and drops its comments, so the change is made to the key's own line (or a new line in the profile's
/// table) and every other line stays as it was: comments, order, spacing, line endings. A file where that
/// cannot be done safely is left alone, with an error that says why.

#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "ccai/config.hpp"

namespace ccai {

/// @brief The setting named `key` ("client-secret" is read as client_secret), or invalid_input naming the
/// closest known key ("unknown setting 'hots'; did you mean host?").
Result<const SettingSpec*> find_setting(std::string_view key);

/// @brief `value` checked for `spec` as loading checks it (kind and range), and free of control characters
/// (a profile holds one-line values); invalid_input naming the setting when it is not.
Result<Unit> check_setting_value(const SettingSpec& spec, const std::string& value);

/// @brief The configuration directory Config::load reads: `sources.config_dir`, else $XDG_CONFIG_HOME/ccai,
/// else ~/.config/ccai.
std::string config_directory(const ConfigSources& sources);

/// @brief The profile Config::load selects: the "profile" flag, else CCAI_PROFILE, else "default".
std::string selected_profile(const ConfigSources& sources);

/// @brief The file of `dir` that holds `spec`: `dir`/credentials for a secret, else `dir`/config.toml.
std::string settings_file_for(const std::string& dir, const SettingSpec& spec);

/// @brief True for a name a profile can be given here: letters, digits, '_' and '-' (a bare TOML key).
bool is_profile_name(std::string_view name);

/// @brief An invalid_input error naming what a profile name may hold, when `name` is not one.
Result<Unit> check_profile_name(std::string_view name);

/// @brief One change to a profile: set `key` to `value`, or remove it (nullopt).
struct SettingChange {
    std::string key;
    std::optional<std::string> value;
};

/// @brief `text` (a file's content; `path` names it in messages) with `changes` made to its [`profile`]
/// table: a key's line rewritten or removed, a new key added after the table's last one, a missing table
/// added at the end. Refused (config error, text unchanged) when the file is not valid TOML, when the profile
/// is not a plain [profile] table (an inline table, dotted keys), when the key's value spans lines or its
/// line holds more than `key = value # comment`, and whenever the result, read back, would differ from the
/// original in anything but the changes.
Result<std::string> edit_profile_text(std::string_view text, const std::string& path, const std::string& profile,
                                      std::span<const SettingChange> changes);

/// @brief The values of the [`profile`] table of a settings file, as Config::load reads them; nullopt when
/// the file or the table does not exist. Same checks as editing (a symbolic link, a FIFO, another user's
/// file, a credentials file readable by others: refused).
Result<std::optional<std::map<std::string, std::string>>> read_profile_values(const std::string& path,
                                                                             const std::string& profile, bool secrets);

/// @brief Makes `changes` to [`profile`] of the settings file `path` (a credentials file when `secrets`).
/// Returns whether the file changed (unsetting a key that is not there changes nothing). The file is
/// replaced atomically: a new file in the same directory, written, flushed to disk (fsync) and renamed over
/// the old one, with the old file's mode; a new file and a new directory get 0600 and 0700. Refused: a
/// symbolic link, anything but a regular file, another user's file or directory, a directory others can
/// write to, a credentials file readable by group or others, a file that changed while it was edited.
Result<bool> edit_settings_file(const std::string& path, const std::string& profile, std::span<const SettingChange> changes,
                                bool secrets);

}  // namespace ccai
