#pragma once
// A path written by hand (`ccai-cli api`, a client of `ccai-cli proxy`), held to what it can mean on the wire,
// and its {botId}-style placeholders filled from the configuration.
#include <string>
#include <string_view>

#include "ccai/config.hpp"
#include "ccai/error.hpp"

namespace ccai::cli {

/// The path (query included) when it starts with '/', holds no byte a request line cannot carry, no '#', and
/// no empty or dot segment (also percent-encoded); else an invalid_input error that starts with "WHO: PATH".
Result<std::string> check_raw_path(const std::string& path, std::string_view who);

/// {botId}, {accountId}, {orgId} replaced by the configured values (URL-encoded, each held to the rules of a
/// path parameter); a placeholder whose setting is unset is a config error.
Result<std::string> fill_placeholders(std::string path, const Config& config, std::string_view who);

}  // namespace ccai::cli
