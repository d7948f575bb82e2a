#pragma once
// One way to print a duration, wherever the CLI prints one (a batch's ETA, --watch's floor): the same text a
// person reads and --watch accepts back (parse_watch_interval).
#include <string>

#include "ccai/clock.hpp"

namespace ccai::cli {

/// `d` rounded up to the millisecond: "500ms", "10s", "1.429s", "10.05s" below a minute; "1m05s" and
/// "2h03m" above, rounded up to the second and the minute. Rounded up, never down: a floor printed this
/// way is still at least the floor. Callers that want fewer digits round first (a batch's ETA: seconds).
std::string duration_text(Duration d);

}  // namespace ccai::cli
