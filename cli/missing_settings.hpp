#pragma once
// A first run without configuration: every setting a call needs and lacks, named at once, instead of one
// failure per attempt (no host, then no bot id, then no credentials).
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "ccai/call_args.hpp"
#include "ccai/config.hpp"
#include "ccai/endpoint.hpp"
#include "ccai/error.hpp"

namespace ccai::cli {

/// The config keys `spec` needs to build its request from `args`: host, and the account, bot and org ids
/// its path, headers and body take from the profile.
std::vector<std::string> settings_needed(const EndpointSpec& spec, const CallArgs& args);

/// The config keys a hand-written PATH (`ccai-cli api`) needs: host, and the setting of each {botId},
/// {accountId} or {orgId} placeholder it holds.
std::vector<std::string> settings_needed(std::string_view raw_path);

/// The settings in `needed` and, when `sending`, those that sign a request (client_id and client_secret,
/// unless a token is set): a config error naming every one that is unset, with its flag and variable, as
/// "WHO needs settings ..." and pointing to `ccai-cli config init`; nullopt when none is.
std::optional<ApiError> missing_settings(const Config& config, std::string_view who, std::vector<std::string> needed, bool sending);

/// missing_settings for the settings `spec` needs to build its request from `args` (settings_needed).
std::optional<ApiError> missing_settings(const Config& config, const EndpointSpec& spec, const CallArgs& args, bool sending);

}  // namespace ccai::cli
