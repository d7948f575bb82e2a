#pragma once
// --body JSON | @file | @-   and   --set path=value (repeatable), merged into one JSON body.
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "ccai/error.hpp"

namespace ccai::cli {

/// Reads --body: inline JSON, @file, or @- (stdin). Syntax errors name the line and column.
Result<nlohmann::json> read_body(const std::string& body_flag);

/// Applies `a.b=value` assignments; the value is JSON when it parses as JSON, else a string.
Result<nlohmann::json> apply_sets(nlohmann::json body, const std::vector<std::string>& sets);

}  // namespace ccai::cli
