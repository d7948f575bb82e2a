#pragma once
// What an action's --help ends with, made from its catalog row so that every operation has it and none
// can drift: example command lines, and the environment variables the call reads.
#include <string>
#include <vector>

#include "ccai/endpoint.hpp"

namespace ccai::cli {

/// Example command lines for `spec`: its path parameters, required query parameters and required body
/// fields with values of their types (`--set` for a few fields, `--body @FILE.json` for more), and `--all`
/// for a list that pages.
std::vector<std::string> operation_examples(const EndpointSpec& spec);

/// The environment variables that apply to `spec`: the settings it needs, then those of every call.
std::vector<std::string> operation_environment(const EndpointSpec& spec);

}  // namespace ccai::cli
