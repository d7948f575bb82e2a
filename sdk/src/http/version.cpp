#include "ccai/version.hpp"

// CCAI_VERSION is defined for this file alone (sdk/CMakeLists.txt), so a new version recompiles only it.
namespace ccai {

std::string_view version() { return CCAI_VERSION; }

}  // namespace ccai
