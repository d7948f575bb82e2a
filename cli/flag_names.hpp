#pragma once
// The SDK's messages name an operation's parameters as the catalog spells them (agentId); a person at the
// command line typed them as flags (--agent-id).
#include "ccai/error.hpp"

namespace ccai::cli {

/// `error` with each parameter it names (ApiError::parameters) written as its flag: the first occurrence
/// of the name as a whole word outside quotes, so a quoted body field or value of the same spelling stays.
ApiError with_flag_names(ApiError error);

}  // namespace ccai::cli
