// ccai-cli: the command tree is built from the endpoint table plus a few utility commands; the chosen
// command runs after parsing, and its result becomes the documented exit code.
#include <sys/prctl.h>
#include <sys/resource.h>

#include <csignal>
#include <cstdio>
#include <cstdlib>

#include "app.hpp"
#include "ccai/redact.hpp"
#include "ccai/base_url.hpp"
#include "exit_codes.hpp"

namespace {

// No core file, and no ptrace or /proc/PID/mem for the user's other processes: a crash or a debugger must
// not find the client secret or a token in this process's memory. Done first, before any secret is read.
void make_undumpable() {
    ::prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
    const rlimit none{0, 0};
    ::setrlimit(RLIMIT_CORE, &none);
}

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

// A write error on stdout (a full disk) fails the command instead of passing unnoticed.
int finish(int rc) {
    if ((std::fflush(stdout) != 0 || std::ferror(stdout)) && rc == ccai::cli::kOk) {
        ccai::ApiError e;
        e.message = "cannot write the output to stdout";
        rc = ccai::cli::report_error(e);
    }
    // The registry's copies of the secrets, now that the command is done with them.
    ccai::forget_secrets();
    return rc;
}

// --insecure on a plain http:// host has no TLS to relax; saying so keeps anyone from reading it as the
// switch that made http work (plain http to another machine needs --allow-http).
bool host_is_plain_http(const ccai::cli::GlobalFlags& flags) {
    const auto config = ccai::cli::load_config(flags);
    if (!config) return false;  // the command reports it
    const auto base = ccai::parse_base_url(config->get("host"));
    return base && base->scheme == "http";
}

int run(const ccai::cli::GlobalFlags& flags, const ccai::cli::Action& action) {
    // Every time, whatever the command: an insecure setting must never become invisible in a script.
    if (flags.insecure) {
        if (host_is_plain_http(flags))
            std::fprintf(stderr, "warning: --insecure changes nothing: the host is plain http://, which has no TLS "
                                 "certificate to verify\n");
        else
            std::fprintf(stderr, "warning: --insecure: TLS certificates are not verified\n");
    }
    return action();
}
}  // namespace

int main(int argc, char** argv) {
    using namespace ccai::cli;
    make_undumpable();
    // The environment's secrets are masked in every message from the start, including those written before
    // the configuration is read (a secret pasted as a profile name, an unknown key or a flag's value).
    for (const auto& spec : ccai::setting_specs())
        if (const char* v = spec.secret && !spec.env.empty() ? std::getenv(std::string(spec.env).c_str()) : nullptr)
            ccai::register_secret(v);
    if (const auto misuse = empty_switch_value(argc, argv)) return report_error(ccai::invalid_input(*misuse));
    GlobalFlags flags;
    Action action;
    auto app = make_app(flags, action);
    try {
        app->parse(argc, argv);
    } catch (const CLI::CallForHelp& e) {
        return app->exit(e);
    } catch (const CLI::CallForAllHelp& e) {
        return app->exit(e);
    } catch (const CLI::CallForVersion& e) {
        return app->exit(e);
    } catch (const CLI::ParseError& e) {
        // Usage errors are machine-readable like every other error, with exit code 2. They quote the command
        // line, which may hold a secret pasted in the wrong place: the environment's are masked (see main).
        return report_error(ccai::invalid_input(usage_message(*app, e)));
    }
    if (!action) return kUsage;
    return finish(run(flags, action));
}
