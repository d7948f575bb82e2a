// ccai-cli: the command tree is built from the endpoint table plus a few utility commands; the chosen
// command runs after parsing, and its result becomes the documented exit code.
#include <csignal>
#include <cstdio>

#include "app.hpp"
#include "exit_codes.hpp"

namespace {
constexpr const char* kVersion = "0.1.0";
}

int main(int argc, char** argv) {
    using namespace ccai::cli;
    CLI::App app{"ccai-cli: the Kore.ai Contact Center AI API from your shell, paced to your account's rate limit",
                 "ccai-cli"};
    app.require_subcommand(1);
    app.set_version_flag("--version", kVersion);
    app.footer("Exit codes: 0 ok, 1 error, 2 usage/invalid input, 3 configuration, 4 auth rejected, 5 not found,\n"
               "6 other 4xx, 7 rate limited after retries, 8 server error, 9 network, 10 batch with failures,\n"
               "130 interrupted. Errors are one JSON object on stderr.");
    GlobalFlags flags;
    Action action;
    add_global_flags(app, flags);
    add_operation_commands(app, flags, action);
    add_api_command(app, flags, action);
    add_batch_command(app, flags, action);
    add_config_command(app, flags, action);
    add_pacer_command(app, flags, action);
    add_completion_command(app, flags, action);
    try {
        app.parse(argc, argv);
    } catch (const CLI::CallForHelp& e) {
        return app.exit(e);
    } catch (const CLI::CallForAllHelp& e) {
        return app.exit(e);
    } catch (const CLI::CallForVersion& e) {
        return app.exit(e);
    } catch (const CLI::ParseError& e) {
        // Usage errors are machine-readable like every other error, with exit code 2.
        ccai::ApiError err = ccai::invalid_input(e.what());
        return report_error(err);
    }
    if (!action) return kUsage;
    return action();
}
