#pragma once
// The CLI as a library: the command tree, what its commands run with (flags, console, client set-up), and
// run_cli, which main() calls with the process's streams and tests call with memory streams and fakes.
#include <CLI/CLI.hpp>

#include <cstdio>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "ccai/client.hpp"

namespace ccai::cli {

/// Flags every command accepts, before or after the subcommand.
struct GlobalFlags {
    std::map<std::string, std::string> settings;  ///< config keys given as flags (host, bot_id, ...)
    std::string output;                           ///< json, jsonl, table ("" = from config / default)
    std::string fields;                           ///< --fields a,b
    bool verbose = false;
    bool dry_run = false;
    bool insecure = false;
    bool quiet = false;
};

/// Where a command writes, and whether a person reads it.
struct Console {
    std::FILE* out = stdout;
    std::FILE* err = stderr;
    bool out_tty = false;  ///< pretty JSON on stdout
    bool err_tty = false;  ///< progress lines and wait notices on stderr (a terminal, and we are its foreground)
    /// The process's stdout and stderr, with isatty.
    static Console standard();
};

/// What every command runs with.
struct Context {
    GlobalFlags flags;
    Console console;
    /// Where settings come from besides the flags (flags.settings fill its `flags`): by default the process's
    /// environment and ~/.config/ccai; tests give a map and a directory of their own.
    ConfigSources sources;
    /// Completes the options of each client a command makes: tests put a FakeTransport, a FakeClock or a
    /// pacer there. Unset: libcurl, the system clock and the configured pacer.
    std::function<void(ClientOptions&)> client_setup;

    /// Prints the error as one JSON object on the console's stderr and returns its exit code.
    int fail(const ApiError& error) const;
};

/// A command's outcome: the process exit code.
using Action = std::function<int()>;

/// The command tree. Each command family registers its commands here and owns its options in it (own()),
/// so every option lives exactly as long as the tree; the command chosen by the parse sets `action`.
class CommandLine {
public:
    explicit CommandLine(Context& context);
    CommandLine(const CommandLine&) = delete;
    CommandLine& operator=(const CommandLine&) = delete;

    CLI::App& app() { return *app_; }
    Context& context;
    Action action;

    /// A command's options object, kept alive with the tree (CLI11 binds options by reference).
    template <class T>
    T& own() {
        auto item = std::make_shared<T>();
        owned_.push_back(item);
        return *item;
    }

private:
    std::vector<std::shared_ptr<void>> owned_;
    std::unique_ptr<CLI::App> app_;  // after owned_: destroyed first, while what it binds still lives
};

/// Parses `argv`, runs the chosen command and returns the documented exit code. Usage errors are JSON on
/// the console's stderr (exit 2); --help and --version print on its stdout.
int run_cli(Context& context, int argc, const char* const* argv);

/// Registers the global flags on `app` (and stores them in `flags`).
void add_global_flags(CLI::App& app, GlobalFlags& flags);
/// `--allow-http=` with nothing after '=': CLI11 reads it as true, so it is refused before parsing.
std::optional<std::string> empty_switch_value(int argc, const char* const* argv);

/// Loads the configuration (flags > env > profile > default).
Result<Config> load_config(const Context& context);

/// What a command needs to talk to the service.
struct Session {
    Config config;
    std::unique_ptr<Client> client;
};

/// The client for `config` (from load_config: each command loads it once), with --verbose logging and, on a
/// terminal, wait notices (`wait_notices` false: a batch shows its own progress instead).
Result<Session> open_session(const Context& context, Config config, bool wait_notices = true);

/// Command families.
void add_operation_commands(CommandLine& cl);
void add_api_command(CommandLine& cl);
void add_config_command(CommandLine& cl);
void add_pacer_command(CommandLine& cl);
void add_batch_command(CommandLine& cl);
void add_completion_command(CommandLine& cl);

}  // namespace ccai::cli
