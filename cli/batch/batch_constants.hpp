#pragma once
// batch --set / --set-json: the same value on every line, with the single-call flags' path syntax and typing.
#include <vector>

#include "body_sets.hpp"
#include "ccai/batch.hpp"

namespace ccai::cli {

/// Checks each PATH=VALUE's shape and path before any line is read (a mistake is one usage error, not one
/// per line).
Result<Unit> check_constants(const std::vector<BodyAssignment>& sets);

/// What --set does to each line. A --set whose path is a parameter of the line's operation sets that
/// parameter (and the body field of the same name, when there is one, as a CSV column does); every other
/// path sets the body as apply_assignments does for a single call. Either way the constant replaces the
/// line's own value (a CSV cell, a JSON line's params or body), as --set replaces what --body gave.
batch::ItemTransform constants_transform(std::vector<BodyAssignment> sets, bool allow_unknown);

}  // namespace ccai::cli
