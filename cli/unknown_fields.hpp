#pragma once
// Body fields the catalog does not describe. The documentation is incomplete, so they are sent: --body and
// batch lines draw one warning naming them, --strict refuses them, --allow-unknown-fields says nothing.
// In --set (one field typed by hand) an unknown name is refused unless --allow-unknown-fields.
#include <cstdio>
#include <string>
#include <vector>

#include "ccai/endpoint.hpp"
#include "ccai/error.hpp"

namespace ccai::cli {

enum class UnknownFields { warn, refuse, allow };

/// From --strict and --allow-unknown-fields; both at once is invalid input.
Result<UnknownFields> unknown_fields_policy(bool strict, bool allow);

/// "'a', 'b' and 3 more": at most ten names, quoted.
std::string quoted_names(const std::vector<std::string>& names);

/// The refusal under --strict: invalid_input naming the operation and the fields.
ApiError unknown_fields_error(const EndpointSpec& spec, const std::vector<std::string>& names);

/// The one warning line on `err`: "warning: WHERE: body fields the catalog does not describe, sent as given
/// (...): DETAIL".
void warn_unknown_fields(std::FILE* err, const std::string& where, const std::string& detail);

}  // namespace ccai::cli
