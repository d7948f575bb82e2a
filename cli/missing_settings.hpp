#pragma once
// A first run without configuration: every setting a call needs and lacks, named at once, instead of one
// failure per attempt (no host, then no bot id, then no credentials).
#include <optional>
#include <string>
#include <vector>

#include "ccai/call_args.hpp"
#include "ccai/config.hpp"
#include "ccai/endpoint.hpp"
#include "ccai/error.hpp"

namespace ccai::cli {

/// The config keys `spec` needs to build its request from `args`: host, and the account, bot and org ids
/// its path, headers and body take from the profile.
std::vector<std::string> settings_needed(const EndpointSpec& spec, const CallArgs& args);

/// The settings `spec` needs to build its request from `args` (host, and the account, bot and org ids its
/// path, headers and body take from the profile) and, when `sending`, to sign it (client_id and
/// client_secret, unless a token is set). A config error naming every one that is unset, with its flag and
/// variable, and pointing to `ccai-cli config init`; nullopt when none is.
std::optional<ApiError> missing_settings(const Config& config, const EndpointSpec& spec, const CallArgs& args, bool sending);

}  // namespace ccai::cli
