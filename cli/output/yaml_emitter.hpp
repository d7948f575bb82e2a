#pragma once
// `-o yaml`: the JSON result as a YAML document, through yaml-cpp.
#include <string>

#include <nlohmann/json.hpp>

namespace ccai::cli {

/// `value` as block YAML that reads back to the same JSON: strings a YAML reader would take for something
/// else ("0012", "true", "no", "null", "~", "") are quoted, keys keep the order `-o json` prints, non-ASCII
/// text is written as is (invalid UTF-8 becomes U+FFFD). Ends with a newline.
std::string to_yaml(const nlohmann::json& value);

}  // namespace ccai::cli
