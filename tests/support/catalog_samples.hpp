#pragma once
// Sample inputs that satisfy the catalog: used to drive every operation in table-driven tests.
#include <map>
#include <string>

#include <nlohmann/json.hpp>

#include "ccai/config.hpp"
#include "ccai/endpoint.hpp"

namespace ccai::test {

/// A profile with every account-wide value set (host, account, bot, org), for building requests.
Config sample_profile();

/// A value of the parameter's type (its first enum value when it has some).
std::string sample_value(const ParamSpec& p);

/// The smallest body the catalog accepts: every required field whose parents are required too, nested
/// ("a.b", "list[].x") included, each with a value of its type, and the first member of each body "one of" group.
/// The fields build_request fills (filled_by_sdk) are left to it.
nlohmann::json sample_body(const EndpointSpec& spec);

/// True for a body field build_request fills from a path parameter or the profile when it is absent
/// (body_field_filled_from).
bool filled_by_sdk(const EndpointSpec& spec, std::string_view field);

/// Values for the path parameters and the required query parameters (all query parameters with
/// `optional_query`), account-wide ones left to the profile; of a query "one of" group, the first member only.
std::map<std::string, std::string> sample_params(const EndpointSpec& spec, bool optional_query);

}  // namespace ccai::test
