// `ccai-cli completion`: placeholder until completions land (issue 6).
#include "app.hpp"

namespace ccai::cli {

void add_completion_command(CLI::App&, GlobalFlags&, Action&) {}

}  // namespace ccai::cli
