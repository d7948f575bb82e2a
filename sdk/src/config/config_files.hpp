// Reading config.toml and credentials: what Config::load reads, and what editing them reads first.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "ccai/error.hpp"

namespace ccai::detail {

/// The text of a config or credentials file (at most 1 MiB); nullopt when there is none. Refused (config
/// error): anything but a regular file (a FIFO does not hang the open); for `secrets`, a file of another
/// user or one that group or others can read.
Result<std::optional<std::string>> read_config_file(const std::string& path, bool secrets);

/// Reads the [profile] table of a settings file into `out` (strings, numbers and booleans as text); false
/// when the file or the table does not exist. Refused: what read_config_file refuses, non-ASCII text toml++
/// cannot read safely, invalid TOML, unknown keys (with a did-you-mean), values of other types. `names`,
/// when given, receives the file's profile names.
Result<bool> read_profile(const std::string& path, const std::string& profile, bool secrets,
                          std::map<std::string, std::string>& out, std::vector<std::string>* names);

}  // namespace ccai::detail
