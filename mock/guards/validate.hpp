#pragma once
// Request checks the service makes before acting: required query values and body fields (400).
#include <optional>
#include <string>
#include <vector>

#include "call.hpp"

namespace ccai::mock {

/// Picks among operations the request alone cannot tell apart (campaign create variants by body).
const EndpointSpec* choose_variant(const std::vector<const EndpointSpec*>& specs, const json& body);

/// The first problem with the call's query values or body, or nullopt when it is acceptable.
std::optional<std::string> validate_call(const Call& c);

}  // namespace ccai::mock
