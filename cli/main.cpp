// ccai-cli: the process around the command tree (app.hpp): what only a whole program may do, before and
// after one run of it.
#include <sys/prctl.h>
#include <sys/resource.h>
#include <signal.h>

#include <csignal>
#include <cstdlib>

#include "context.hpp"
#include "ccai/redact.hpp"

namespace {

// No core file, and no ptrace or /proc/PID/mem for the user's other processes: a crash or a debugger must
// not find the client secret or a token in this process's memory. Done first, before any secret is read.
void make_undumpable() {
    ::prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
    const rlimit none{0, 0};
    ::setrlimit(RLIMIT_CORE, &none);
}

ccai::Interruption g_interruption;

// Ctrl-C while a call waits for the pacer ends the wait: the call gives its slot back to the account's
// other callers and the command exits 130 (a --watch counts as one long wait and exits 0). At any other
// moment, and at a second Ctrl-C (a watch's request that hangs), Ctrl-C does what it always does: a request
// on the wire may have reached the service, and its slot stays counted.
extern "C" void on_interrupt(int) {
    if (g_interruption.waiting.load() > 0 && !g_interruption.requested.exchange(true)) return;
    std::signal(SIGINT, SIG_DFL);
    std::raise(SIGINT);
}

}  // namespace

int main(int argc, char** argv) {
    make_undumpable();
    struct sigaction sa {};
    sa.sa_handler = on_interrupt;
    sigemptyset(&sa.sa_mask);
    ::sigaction(SIGINT, &sa, nullptr);
    // A closed pipe (`| head`) makes writes fail with EPIPE instead of killing the process (exit 141): the
    // command stops fetching and polling at the next write and exits 1, quietly (output_failed). Nothing
    // is exec'd, so no child inherits the ignored signal.
    std::signal(SIGPIPE, SIG_IGN);
    // The environment's secrets are masked in every message from the start, including those written before
    // the configuration is read (a secret pasted as a profile name, an unknown key or a flag's value).
    for (const auto& spec : ccai::setting_specs())
        if (const char* v = spec.secret && !spec.env.empty() ? std::getenv(std::string(spec.env).c_str()) : nullptr)
            ccai::register_secret(v);
    ccai::cli::Context context;
    context.console = ccai::cli::Console::standard();
    context.interruption = &g_interruption;
    const int rc = ccai::cli::run_cli(context, argc, argv);
    // The registry's copies of the secrets, now that the command is done with them.
    ccai::forget_secrets();
    return rc;
}
