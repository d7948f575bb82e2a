#pragma once
/// @file version.hpp
/// @brief The release this SDK was built as.

#include <string_view>

namespace ccai {

/// @brief The version, from the CMake project (e.g. "0.1.0"): the CLI's --version and the User-Agent.
std::string_view version();

}  // namespace ccai
