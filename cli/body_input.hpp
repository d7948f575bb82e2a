#pragma once
// --body JSON | @file | @-. The fields --set and --set-json add on top are body_sets.hpp's.
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "ccai/error.hpp"

namespace ccai::cli {

/// Reads --body: inline JSON, @file, or @- (stdin). Syntax errors name the line and column.
Result<nlohmann::json> read_body(const std::string& body_flag);

}  // namespace ccai::cli
