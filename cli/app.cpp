// The command tree: the root's description and flags, then each command family; and one run of it.
#include "app.hpp"

#include <sys/ioctl.h>
#include <unistd.h>

#include <cstdlib>
#include <variant>

#include <fmt/format.h>

#include "ccai/base_url.hpp"
#include "ccai/version.hpp"
#include "exit_codes.hpp"
#include "output.hpp"
#include "output/jq_program.hpp"

namespace ccai::cli {

// --- The tree ---

namespace {
// A person reads stderr only when it is a terminal and this process is in its foreground: a job sent to the
// background (`cmd &`, a loop of 20 of them) keeps its notices to itself instead of scribbling over the shell.
bool person_reads(int fd) { return ::isatty(fd) != 0 && ::tcgetpgrp(fd) == ::getpgrp(); }

// The width of the terminal on `fd`: COLUMNS when the shell exports it (and a user can set it to get a
// table as wide as they like), else the terminal's own; 0 when `fd` is not a terminal, so that a table
// written to a file or a pipe is never cut.
std::size_t terminal_columns(int fd) {
    if (::isatty(fd) == 0) return 0;
    if (const char* env = std::getenv("COLUMNS")) {
        char* end = nullptr;
        const long n = std::strtol(env, &end, 10);
        if (end != env && *end == '\0' && n > 0) return static_cast<std::size_t>(n);
    }
    winsize size{};
    return ::ioctl(fd, TIOCGWINSZ, &size) == 0 ? size.ws_col : 0;
}
}  // namespace

Console Console::standard() {
    Console c{stdout, stderr, ::isatty(1) != 0, person_reads(2)};
    c.out_columns = terminal_columns(1);
    return c;
}

int Context::fail(const ApiError& error) const { return report_error(console.err, error); }

CommandLine::CommandLine(Context& c)
    : context(c),
      parser_("ccai-cli", "ccai-cli: the Kore.ai Contact Center AI API from your shell, paced to your account's rate limit") {
    root().require_command();
    // Like curl --version: the libcurl and TLS library a bug report needs to name.
    parser_.version_flag([] { return fmt::format("ccai-cli {} {}", version(), http_library_version()); });
    root().footer("Exit codes: 0 ok, 1 error, 2 usage/invalid input, 3 configuration, 4 auth rejected, 5 not found,\n"
                 "6 other 4xx, 7 rate limited after retries, 8 server error, 9 network, 10 batch with failures,\n"
                 "130 interrupted. Errors are one JSON object on stderr.");
    add_global_flags(root(), context.flags);
    add_operation_commands(*this);
    add_api_command(*this);
    add_batch_command(*this);
    add_config_command(*this);
    add_pacer_command(*this);
    add_proxy_command(*this);
    add_completion_command(*this);
}

CommandLine::~CommandLine() = default;

namespace {

// --insecure on a plain http:// host has no TLS to relax; saying so keeps anyone from reading it as the
// switch that made http work (plain http to another machine needs --allow-http).
bool host_is_plain_http(const Context& c) {
    const auto config = load_config(c);
    if (!config) return false;  // the command reports it
    const auto base = parse_base_url(config->get("host"));
    return base && base->scheme == "http";
}

int run_action(const Context& c, const Action& action) {
    // Every time, whatever the command: an insecure setting must never become invisible in a script.
    if (c.flags.insecure) {
        if (host_is_plain_http(c))
            std::fprintf(c.console.err, "warning: --insecure changes nothing: the host is plain http://, which has no TLS "
                                        "certificate to verify\n");
        else
            std::fprintf(c.console.err, "warning: --insecure: TLS certificates are not verified\n");
    }
    const int rc = action();
    // A write error on stdout (a full disk) fails the command instead of passing unnoticed.
    if ((std::fflush(c.console.out) != 0 || std::ferror(c.console.out)) && rc == kOk) {
        ApiError e;
        e.message = "cannot write the output to stdout";
        return c.fail(e);
    }
    return rc;
}

}  // namespace

int run_cli(Context& context, int argc, const char* const* argv) {
    if (const auto misuse = empty_switch_value(argc, argv)) return context.fail(invalid_input(*misuse));
    CommandLine cl(context);
    const auto parsed = cl.parser().parse(argc, argv);
    switch (parsed.kind) {
    case ParseOutcome::Kind::printed:  // --help, --version
        std::fputs(parsed.out.c_str(), context.console.out);
        std::fputs(parsed.err.c_str(), context.console.err);
        return parsed.exit_code;
    case ParseOutcome::Kind::usage_error:
        // Usage errors are machine-readable like every other error, with exit code 2. They quote the command
        // line, which may hold a secret pasted in the wrong place: the environment's are masked (see main).
        return context.fail(invalid_input(parsed.message));
    case ParseOutcome::Kind::run:
        break;
    }
    if (!cl.action) return kUsage;
    if (const auto conflict = output_flags_conflict(context.flags)) return context.fail(invalid_input(*conflict));
    // Compiled before the command runs: a program with a syntax error sends nothing.
    context.jq = nullptr;
    if (!context.flags.jq.empty()) {
        auto compiled = JqProgram::compile(context.flags.jq);
        if (auto* errors = std::get_if<std::string>(&compiled)) return context.fail(invalid_input("--jq: " + *errors));
        context.jq = std::make_shared<JqProgram>(std::move(std::get<JqProgram>(compiled)));
    }
    return run_action(context, cl.action);
}

}  // namespace ccai::cli
