#pragma once
// Sample inputs that satisfy the catalog: used to drive every operation in table-driven tests.
#include <string>

#include <nlohmann/json.hpp>

#include "ccai/endpoint.hpp"

namespace ccai::test {

/// A value of the parameter's type (its first enum value when it has some).
std::string sample_value(const ParamSpec& p);

/// The smallest body the catalog accepts: every required field whose parents are required too, nested
/// ("a.b", "list[].x") included, each with a value of its type.
nlohmann::json sample_body(const EndpointSpec& spec);

}  // namespace ccai::test
