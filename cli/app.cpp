// The command tree: the root's description and flags, then each command family.
#include "app.hpp"

#include <fmt/format.h>

#include "ccai/version.hpp"

namespace ccai::cli {

std::unique_ptr<CLI::App> make_app(GlobalFlags& flags, Action& action) {
    auto app = std::make_unique<CLI::App>(
        "ccai-cli: the Kore.ai Contact Center AI API from your shell, paced to your account's rate limit", "ccai-cli");
    app->require_subcommand(1);
    // Like curl --version: the libcurl and TLS library a bug report needs to name.
    app->set_version_flag("--version", [] { return fmt::format("ccai-cli {} {}", version(), http_library_version()); });
    app->footer("Exit codes: 0 ok, 1 error, 2 usage/invalid input, 3 configuration, 4 auth rejected, 5 not found,\n"
                "6 other 4xx, 7 rate limited after retries, 8 server error, 9 network, 10 batch with failures,\n"
                "130 interrupted. Errors are one JSON object on stderr.");
    add_global_flags(*app, flags);
    add_operation_commands(*app, flags, action);
    add_api_command(*app, flags, action);
    add_batch_command(*app, flags, action);
    add_config_command(*app, flags, action);
    add_pacer_command(*app, flags, action);
    add_completion_command(*app, flags, action);
    return app;
}

}  // namespace ccai::cli
