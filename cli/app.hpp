#pragma once
// The CLI's shared pieces: global flags, the session (config + client) they produce, and the
// registration functions of each command family.
#include <CLI/CLI.hpp>

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

/// What a command needs to talk to the service.
struct Session {
    Config config;
    std::unique_ptr<Client> client;
    bool stderr_tty = false;
};

/// A command's outcome: the process exit code.
using Action = std::function<int()>;

/// The command tree: global flags bound to `flags`; the chosen command sets `action` when parsed.
std::unique_ptr<CLI::App> make_app(GlobalFlags& flags, Action& action);

/// Registers the global flags on `app` (and stores them in `flags`).
void add_global_flags(CLI::App& app, GlobalFlags& flags);
/// `--allow-http=` with nothing after '=': CLI11 reads it as true, so it is refused before parsing.
std::optional<std::string> empty_switch_value(int argc, char** argv);

/// Loads the configuration (flags > env > profile > default). Errors leave through the error printer.
Result<Config> load_config(const GlobalFlags& flags);

/// The client for `config` (from load_config: each command loads it once), with --verbose logging and TTY
/// wait notices wired in.
Result<Session> open_session(const GlobalFlags& flags, Config config);

/// Command families. Each registers its commands and sets `action` when one of them is chosen.
void add_operation_commands(CLI::App& app, GlobalFlags& flags, Action& action);
void add_api_command(CLI::App& app, GlobalFlags& flags, Action& action);
void add_config_command(CLI::App& app, GlobalFlags& flags, Action& action);
void add_pacer_command(CLI::App& app, GlobalFlags& flags, Action& action);
void add_batch_command(CLI::App& app, GlobalFlags& flags, Action& action);
void add_completion_command(CLI::App& app, GlobalFlags& flags, Action& action);

}  // namespace ccai::cli
