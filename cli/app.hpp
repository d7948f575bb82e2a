#pragma once
// The CLI's shared pieces: global flags, the session (config + client) they produce, and the
// registration functions of each command family.
#include <CLI/CLI.hpp>

#include <algorithm>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
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

/// What a command needs to talk to the service.
struct Session {
    Config config;
    std::unique_ptr<Client> client;
    bool stderr_tty = false;
};

/// A command's outcome: the process exit code.
using Action = std::function<int()>;

/// Which commands a tree registers. A call runs one command, and registering all of them (79 operations in
/// 20 groups, and the utility commands) is most of the CLI's own start-up time. CLI11 matches a command only
/// as a whole argument, so a command whose name is not among the arguments cannot be chosen: a tree made
/// `only_named` registers just the named ones. main() falls back to the whole tree whenever that parse does
/// not end in a command to run (help, version, a usage error), so those always see every command.
struct CommandFilter {
    std::vector<std::string_view> args;  ///< the command line without argv[0]
    bool only_named = false;
    [[nodiscard]] bool wants(std::string_view command) const {
        return !only_named || std::find(args.begin(), args.end(), command) != args.end();
    }
};

/// The command tree: global flags bound to `flags`; the chosen command sets `action` when parsed.
std::unique_ptr<CLI::App> make_app(GlobalFlags& flags, Action& action, const CommandFilter& filter);

/// Registers the global flags on `app` (and stores them in `flags`).
void add_global_flags(CLI::App& app, GlobalFlags& flags);
/// `--allow-http=` with nothing after '=': CLI11 reads it as true, so it is refused before parsing.
std::optional<std::string> empty_switch_value(int argc, char** argv);

/// Loads the configuration (flags > env > profile > default). Errors leave through the error printer.
Result<Config> load_config(const GlobalFlags& flags);

/// The client for `config` (from load_config: each command loads it once), with --verbose logging and TTY
/// wait notices wired in.
Result<Session> open_session(const GlobalFlags& flags, Config config);

/// Command families. Each registers the commands `filter` wants and sets `action` when one of them is chosen.
void add_operation_commands(CLI::App& app, GlobalFlags& flags, Action& action, const CommandFilter& filter);
void add_api_command(CLI::App& app, GlobalFlags& flags, Action& action, const CommandFilter& filter);
void add_config_command(CLI::App& app, GlobalFlags& flags, Action& action, const CommandFilter& filter);
void add_pacer_command(CLI::App& app, GlobalFlags& flags, Action& action, const CommandFilter& filter);
void add_batch_command(CLI::App& app, GlobalFlags& flags, Action& action, const CommandFilter& filter);
void add_completion_command(CLI::App& app, GlobalFlags& flags, Action& action, const CommandFilter& filter);

}  // namespace ccai::cli
