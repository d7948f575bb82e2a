// ccai-cli: the command tree is built from the endpoint table plus a few utility commands; the chosen
// command runs after parsing, and its result becomes the documented exit code.
#include <csignal>
#include <cstdio>
#include <cstdlib>

#include "app.hpp"
#include "exit_codes.hpp"

namespace {
constexpr const char* kVersion = "0.1.0";

// CLI11 says only "A subcommand is required" for `ccai-cli queues frobnicate`; name the word and the
// choices instead.
std::string usage_message(CLI::App& app, const CLI::ParseError& e) {
    CLI::App* deepest = &app;
    for (bool descended = true; descended;) {
        descended = false;
        for (auto* sub : deepest->get_subcommands())
            if (sub->parsed()) {
                deepest = sub;
                descended = true;
                break;
            }
    }
    const auto choices = deepest->get_subcommands({});
    if (choices.empty() || deepest->get_subcommands().size() > 0) return e.what();
    std::string names;
    for (const auto* c : choices) names += (names.empty() ? "" : ", ") + c->get_name();
    const auto rest = app.remaining(true);  // extras fall through to the root
    const std::string where = deepest == &app ? "ccai-cli" : deepest->get_name();
    return rest.empty() ? where + ": missing command; one of: " + names
                        : where + ": unknown command '" + rest.front() + "'; one of: " + names;
}

// What is left after the command is teardown: the command tree's destructors and libcurl's and OpenSSL's exit
// handlers, ~0.2 ms of a one-call run (bench/RESULTS.md, single-call overhead). So ccai-cli flushes what it
// wrote and leaves with _Exit; the actions hold nothing that needs a destructor past their own return (files
// are closed, the pacer's grant completed). A write error on stdout (a full disk) fails the command instead
// of passing unnoticed. Builds with the sanitizers return normally, so LeakSanitizer sees the whole run.
int finish(int rc) {
    if ((std::fflush(stdout) != 0 || std::ferror(stdout)) && rc == ccai::cli::kOk) {
        ccai::ApiError e;
        e.message = "cannot write the output to stdout";
        rc = ccai::cli::report_error(e);
    }
    std::fflush(stderr);
#ifdef CCAI_FAST_EXIT
    std::_Exit(rc);
#endif
    return rc;
}
}  // namespace

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
    add_operation_commands(app, flags, action, std::vector<std::string_view>(argv + 1, argv + argc));
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
        return report_error(ccai::invalid_input(usage_message(app, e)));
    }
    if (!action) return kUsage;
    // Every time, whatever the command: an insecure setting must never become invisible in a script.
    if (flags.insecure) std::fprintf(stderr, "warning: --insecure: TLS certificates are not verified\n");
    return finish(action());
}
