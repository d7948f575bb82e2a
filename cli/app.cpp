// The command tree over CLI11: the builder command families use (command.hpp), the root's description and
// flags, then each command family; and one run of it.
#include "app.hpp"

#include <unistd.h>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "ccai/base_url.hpp"
#include "ccai/version.hpp"
#include "exit_codes.hpp"

namespace ccai::cli {

// --- The builder (command.hpp) ---

namespace {
// An empty flag value (`--jwt-jti=$UNSET`) would otherwise read as "not given" and quietly take the default.
const CLI::Validator kNotEmpty(
    [](std::string& v) { return v.empty() ? std::string("empty value: give one, or leave the flag out for the default") : std::string(); },
    "", "not empty");
}  // namespace

Option& Option::required() {
    option_->required();
    return *this;
}
Option& Option::type_name(const std::string& name) {
    option_->type_name(name);
    return *this;
}
Option& Option::group(const std::string& heading) {
    option_->group(heading);
    return *this;
}
Option& Option::one_of(std::vector<std::string> values) {
    option_->check(CLI::IsMember(std::move(values)));
    return *this;
}
Option& Option::range(int min, int max) {
    option_->check(CLI::Range(min, max));
    return *this;
}
Option& Option::positive() {
    option_->check(CLI::PositiveNumber);
    return *this;
}
Option& Option::not_empty() {
    option_->check(kNotEmpty);
    return *this;
}
Option& Option::default_value(const std::string& value) {
    option_->default_val(value);
    return *this;
}
bool Option::given() const { return option_->count() > 0; }

Command Command::add_command(const std::string& name, const std::string& description) {
    auto* sub = app_->add_subcommand(name, description);
    sub->fallthrough();
    return Command(sub);
}
Command& Command::require_command() {
    app_->require_subcommand(1);
    return *this;
}
Command& Command::footer(const std::string& text) {
    app_->footer(text);
    return *this;
}
Command& Command::group(const std::string& heading) {
    app_->group(heading);
    return *this;
}
Command& Command::on_chosen(std::function<void()> fn) {
    app_->callback(std::move(fn));
    return *this;
}
Option Command::option(const std::string& names, std::string& into, const std::string& description) {
    return Option(app_->add_option(names, into, description));
}
Option Command::option(const std::string& names, std::vector<std::string>& into, const std::string& description) {
    return Option(app_->add_option(names, into, description));
}
Option Command::option(const std::string& names, int& into, const std::string& description) {
    return Option(app_->add_option(names, into, description));
}
Option Command::option(const std::string& names, long long& into, const std::string& description) {
    return Option(app_->add_option(names, into, description));
}
Option Command::option(const std::string& names, std::function<void(const std::string&)> each,
                       const std::string& description) {
    return Option(app_->add_option_function<std::string>(names, std::move(each), description));
}
Option Command::repeated(const std::string& names, std::function<void(const std::string&)> each,
                         const std::string& description) {
    auto* o = app_->add_option_function<std::vector<std::string>>(
        names, [each = std::move(each)](const std::vector<std::string>& values) {
            for (const auto& v : values) each(v);
        }, description);
    return Option(o->trigger_on_parse());
}
Option Command::flag(const std::string& names, bool& into, const std::string& description) {
    return Option(app_->add_flag(names, into, description));
}
Option Command::flag(const std::string& names, std::function<void(const std::string&)> each,
                     const std::string& description) {
    return Option(app_->add_flag(names, description)->each(std::move(each)));
}

// --- The tree ---

namespace {
// A person reads stderr only when it is a terminal and this process is in its foreground: a job sent to the
// background (`cmd &`, a loop of 20 of them) keeps its notices to itself instead of scribbling over the shell.
bool person_reads(int fd) { return ::isatty(fd) != 0 && ::tcgetpgrp(fd) == ::getpgrp(); }
}  // namespace

Console Console::standard() { return Console{stdout, stderr, ::isatty(1) != 0, person_reads(2)}; }

int Context::fail(const ApiError& error) const { return report_error(console.err, error); }

CommandLine::CommandLine(Context& c) : context(c) {
    app_ = std::make_unique<CLI::App>(
        "ccai-cli: the Kore.ai Contact Center AI API from your shell, paced to your account's rate limit", "ccai-cli");
    app_->require_subcommand(1);
    // Like curl --version: the libcurl and TLS library a bug report needs to name.
    app_->set_version_flag("--version", [] { return fmt::format("ccai-cli {} {}", version(), http_library_version()); });
    app_->footer("Exit codes: 0 ok, 1 error, 2 usage/invalid input, 3 configuration, 4 auth rejected, 5 not found,\n"
                 "6 other 4xx, 7 rate limited after retries, 8 server error, 9 network, 10 batch with failures,\n"
                 "130 interrupted. Errors are one JSON object on stderr.");
    add_global_flags(root(), context.flags);
    add_operation_commands(*this);
    add_api_command(*this);
    add_batch_command(*this);
    add_config_command(*this);
    add_pacer_command(*this);
    add_completion_command(*this);
}

CommandLine::~CommandLine() = default;

namespace {

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

// --help and --version: CLI11 prints them on std::cout; here they go to the console.
int print_and_exit(CLI::App& app, const Context& c, const CLI::Error& e) {
    std::ostringstream out, err;
    const int rc = app.exit(e, out, err);
    std::fputs(out.str().c_str(), c.console.out);
    std::fputs(err.str().c_str(), c.console.err);
    return rc;
}

}  // namespace

int run_cli(Context& context, int argc, const char* const* argv) {
    if (const auto misuse = empty_switch_value(argc, argv)) return context.fail(invalid_input(*misuse));
    CommandLine cl(context);
    try {
        cl.app().parse(argc, argv);
    } catch (const CLI::CallForHelp& e) {
        return print_and_exit(cl.app(), context, e);
    } catch (const CLI::CallForAllHelp& e) {
        return print_and_exit(cl.app(), context, e);
    } catch (const CLI::CallForVersion& e) {
        return print_and_exit(cl.app(), context, e);
    } catch (const CLI::ParseError& e) {
        // Usage errors are machine-readable like every other error, with exit code 2. They quote the command
        // line, which may hold a secret pasted in the wrong place: the environment's are masked (see main).
        return context.fail(invalid_input(usage_message(cl.app(), e)));
    }
    if (!cl.action) return kUsage;
    return run_action(context, cl.action);
}

}  // namespace ccai::cli
