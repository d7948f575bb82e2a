// ccai-cli: the process around the command tree (app.hpp): what only a whole program may do, before and
// after one run of it.
#include <sys/prctl.h>
#include <sys/resource.h>

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

}  // namespace

int main(int argc, char** argv) {
    make_undumpable();
    // The environment's secrets are masked in every message from the start, including those written before
    // the configuration is read (a secret pasted as a profile name, an unknown key or a flag's value).
    for (const auto& spec : ccai::setting_specs())
        if (const char* v = spec.secret && !spec.env.empty() ? std::getenv(std::string(spec.env).c_str()) : nullptr)
            ccai::register_secret(v);
    ccai::cli::Context context;
    context.console = ccai::cli::Console::standard();
    const int rc = ccai::cli::run_cli(context, argc, argv);
    // The registry's copies of the secrets, now that the command is done with them.
    ccai::forget_secrets();
    return rc;
}
