#pragma once
// The command tree: each command family registers its commands on it. run_cli (context.hpp) makes one
// per run.
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "command.hpp"
#include "context.hpp"

namespace ccai::cli {

/// A command's outcome: the process exit code.
using Action = std::function<int()>;

/// The command tree. Each command family registers its commands here and owns its options in it (own()),
/// so every option lives exactly as long as the tree; the command chosen by the parse sets `action`.
class CommandLine {
public:
    explicit CommandLine(Context& context);
    ~CommandLine();
    CommandLine(const CommandLine&) = delete;
    CommandLine& operator=(const CommandLine&) = delete;

    /// The root command, where command families add theirs.
    Command root() { return parser_.root(); }
    CommandParser& parser() { return parser_; }
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
    CommandParser parser_;  // after owned_: destroyed first, while what it binds still lives
};

/// Registers the global flags on `root` (and stores them in `flags`).
void add_global_flags(Command root, GlobalFlags& flags);
/// `--allow-http=` with nothing after '=': CLI11 reads it as true, so it is refused before parsing.
std::optional<std::string> empty_switch_value(int argc, const char* const* argv);

/// Command families.
void add_operation_commands(CommandLine& cl);
void add_api_command(CommandLine& cl);
void add_config_command(CommandLine& cl);
void add_pacer_command(CommandLine& cl);
void add_cache_command(CommandLine& cl);
void add_proxy_command(CommandLine& cl);
void add_batch_command(CommandLine& cl);
void add_completion_command(CommandLine& cl);
/// `help [GROUP [ACTION]]` and `version`.
void add_help_commands(CommandLine& cl);

}  // namespace ccai::cli
