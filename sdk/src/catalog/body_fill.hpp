#pragma once
// What build_request fills in a body the caller left it out of, so no value has to be given twice.
#include <nlohmann/json.hpp>

#include "ccai/call_args.hpp"
#include "ccai/config.hpp"
#include "ccai/endpoint.hpp"

namespace ccai::detail {

/// A required top-level field with a single allowed value is the action's own constant (sms-campaigns list's
/// type, each voice create's dialingMode): when the body leaves it out, the action says what it is. A value
/// given stays, so a wrong one is still refused.
void fill_action_constants(const EndpointSpec& spec, nlohmann::json& body);

/// The fields body_field_filled_from names take the path parameter's value, or the one given for the call
/// or set (account-wide values), only when the body leaves them out. A body that gives another value is
/// refused (invalid_input naming both), rather than one of the two winning unseen.
Result<Unit> fill_body_values(const EndpointSpec& spec, const CallArgs& args, const Config& config, nlohmann::json& body);

/// True for "name", false for "a.b" and "a[]".
bool top_level(std::string_view name);

/// A value as an error message shows it: the start of it, and only when it holds nothing unprintable.
std::string shown_value(std::string_view v);

}  // namespace ccai::detail
