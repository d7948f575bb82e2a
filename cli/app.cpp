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
#include "commands/watch.hpp"

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
    // Unlike notices, an error is for whoever reads the terminal, in the foreground or not.
    c.err_text = ::isatty(2) != 0;
    return c;
}

int Context::fail(const ApiError& error) const {
    if (error.kind == ErrorKind::auth && !credentials_in_use.empty()) {
        ApiError e = error;
        e.message += "; " + credentials_in_use;
        return fail_as_is(e);
    }
    return fail_as_is(error);
}

int Context::fail(const ApiError& error, const std::string& hint) const {
    if (!console.err_text) return report_error(console.err, error);
    return report_error(console.err, error, ErrorFormat::text, hint);
}

int Context::fail_as_is(const ApiError& error) const {
    if (!console.err_text) return report_error(console.err, error);
    return report_error(console.err, error, ErrorFormat::text, error_hint(error, command));
}

std::string version_text() { return fmt::format("ccai-cli {} {}\n", version(), http_library_version()); }

CommandLine::CommandLine(Context& c)
    : context(c),
      parser_("ccai-cli", "ccai-cli: the Kore.ai Contact Center AI API from your shell, paced to your account's rate limit") {
    root().require_command();
    // Like curl --version: the libcurl and TLS library a bug report needs to name.
    parser_.version_flag([] {
        auto text = version_text();
        text.pop_back();  // CLI11 ends the line itself
        return text;
    });
    root().footer("Exit codes: 0 ok, 1 error, 2 usage/invalid input, 3 configuration, 4 auth rejected, 5 not found,\n"
                 "6 other 4xx, 7 rate limited after retries, 8 server error, 9 network, 10 batch with failures,\n"
                 "130 interrupted. Errors go to stderr: a message and a hint on a terminal, else one JSON object\n"
                 "(--error-format json|text, CCAI_ERROR_FORMAT).\n"
                 "'ccai-cli help GROUP ACTION' shows an action's flags, body fields and an example.");
    add_global_flags(root(), context.flags);
    add_operation_commands(*this);
    add_api_command(*this);
    add_batch_command(*this);
    add_config_command(*this);
    add_pacer_command(*this);
    add_cache_command(*this);
    add_proxy_command(*this);
    add_completion_command(*this);
    add_help_commands(*this);
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
    // A write error on stdout (a full disk) fails the command instead of passing unnoticed; a closed pipe
    // fails it quietly.
    if ((std::fflush(c.console.out) != 0 || std::ferror(c.console.out)) && rc == kOk)
        return output_failed(c, "cannot write the output to stdout ({})");
    return rc;
}

// The last value of `NAME VALUE` or `NAME=VALUE` before any "--", read before the parse.
std::optional<std::string> early_flag(int argc, const char* const* argv, std::string_view name) {
    std::optional<std::string> value;
    for (int i = 1; i < argc && std::string_view(argv[i]) != "--"; ++i) {
        const std::string_view w = argv[i];
        if (w == name && i + 1 < argc) value = argv[++i];
        else if (w.starts_with(name) && w.size() > name.size() && w[name.size()] == '=') value = std::string(w.substr(name.size() + 1));
    }
    return value;
}

// The profile's error_format. A configuration that does not load leaves errors "auto": the command that
// reads it reports why (a bad error_format included), and `config set` or `config unset` can still mend it.
std::optional<std::string> profile_error_format(const Context& c, int argc, const char* const* argv) {
    ConfigSources sources = c.sources;
    sources.flags.clear();
    if (auto profile = early_flag(argc, argv, "--profile")) sources.flags["profile"] = *profile;
    const auto config = Config::load(sources);
    if (!config) return std::nullopt;
    return config->get("error_format");
}

// --error-format, else CCAI_ERROR_FORMAT, else error_format in the profile, else "auto" (text on a terminal).
// Read before the parse, whose own errors are written in it.
std::optional<std::string> choose_error_format(Context& c, int argc, const char* const* argv) {
    std::string source = "--error-format";
    std::optional<std::string> value = early_flag(argc, argv, source);
    if (!value || value->empty()) {
        source = "CCAI_ERROR_FORMAT";
        if (c.sources.getenv) value = c.sources.getenv(source.c_str());
        else if (const char* env = std::getenv(source.c_str())) value = env;
    }
    if (!value || value->empty()) value = profile_error_format(c, argc, argv);  // checked when it was loaded
    if (!value || value->empty() || *value == "auto") return std::nullopt;
    if (*value == "json" || *value == "text") {
        c.console.err_text = *value == "text";
        return std::nullopt;
    }
    return fmt::format("{}: {} is not an error format: json, text or auto", source, quoted_excerpt(*value));
}

}  // namespace

int run_cli(Context& context, int argc, const char* const* argv) {
    if (const auto bad = choose_error_format(context, argc, argv)) return context.fail(invalid_input(*bad));
    if (const auto misuse = empty_switch_value(argc, argv)) return context.fail(invalid_input(*misuse));
    CommandLine cl(context);
    const auto parsed = cl.parser().parse(argc, argv);
    context.command = fmt::format("{}", fmt::join(parsed.command_path, " "));
    switch (parsed.kind) {
    case ParseOutcome::Kind::printed:  // --help, --version
        std::fputs(parsed.out.c_str(), context.console.out);
        std::fputs(parsed.err.c_str(), context.console.err);
        return parsed.exit_code;
    case ParseOutcome::Kind::usage_error:
        // Usage errors are machine-readable like every other error, with exit code 2. They quote the command
        // line, which may hold a secret pasted in the wrong place: the environment's are masked (see main).
        if (const auto refusal = watch_refusal(parsed.command_path, parsed.unknown_flag))
            return context.fail(refusal->error, refusal->hint);
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
    // A fault of ours (an exception nothing below caught) is reported like any other error, exit 1, instead
    // of aborting without a word; a request may have left, so it is not called harmless.
    try {
        return run_action(context, cl.action);
    } catch (const std::exception& e) {
        ApiError err;
        err.kind = ErrorKind::other;
        err.message = fmt::format("internal error: {}", e.what());
        return context.fail(err);
    }
}

}  // namespace ccai::cli
