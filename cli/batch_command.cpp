// `ccai-cli batch`: placeholder until the batch runner lands (issue 5).
#include "app.hpp"
#include "exit_codes.hpp"
#include "operation_runner.hpp"

namespace ccai::cli {

void add_batch_command(CLI::App&, GlobalFlags&, Action&) {}

int run_all_pages(const EndpointSpec& spec, const CallArgs&, const GlobalFlags&, long long) {
    return report_error(invalid_input(std::string(spec.id) + ": --all is not available yet"));
}

}  // namespace ccai::cli
