// One setting checked against its row of the settings table (validate_settings() checks them all).
#pragma once

#include <string_view>

#include "ccai/config.hpp"

namespace ccai::detail {

/// The value of `key` in `config`, when it has one, checked: same errors as validate_settings().
Result<Unit> validate_setting(const Config& config, std::string_view key);

/// What to say after "unknown key 'x'": "did you mean host?", or the list of keys when none is close.
std::string unknown_key_hint(std::string_view key);

}  // namespace ccai::detail
