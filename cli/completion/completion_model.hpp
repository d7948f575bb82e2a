#pragma once
// The command tree as plain data, read off the parser after every command is registered. Shell
// completions (completion_*.cpp) and the command reference (reference_*.cpp) are both printed from
// it, so neither can drift from what the parser accepts.
#include <string>
#include <vector>

#include "ccai/endpoint.hpp"
#include "command.hpp"


namespace ccai::cli {

/// What follows an option on the command line.
enum class ValueKind {
    none,      ///< a flag
    any,       ///< free text: nothing to complete
    list,      ///< one of `values`
    files,     ///< a path
    body,      ///< --body: a path after '@' (or @- for stdin); inline JSON otherwise
    profiles,  ///< a profile name: `ccai-cli config profiles` at completion time
    set_path,  ///< --set, --set-json: body field paths followed by '=' (`values` holds "path=" and "path=enum")
};

struct TreeOption {
    std::vector<std::string> names;  ///< "-o", "--output" (short names first)
    std::string desc;
    std::string type_name;  ///< "TEXT", "PATH", ... ("" for flags)
    ValueKind kind = ValueKind::none;
    std::vector<std::string> values;
    bool required = false;
    bool repeatable = false;
};

struct TreePositional {
    std::string name;
    std::string desc;
    bool required = false;
    std::vector<std::string> values;  ///< allowed values (one_of), empty when free
};

struct TreeCommand {
    std::string path;  ///< "" for the program, "skills", "skills get"
    std::string name;
    std::string desc;
    std::string group;     ///< CLI11 help group ("API groups", "Subcommands")
    std::string footer;    ///< CLI11 footer text
    int parent = -1;       ///< index into CommandTree::commands
    std::vector<int> children;
    std::vector<TreeOption> options;  ///< this command's own options (the program's are the global ones)
    std::vector<TreePositional> positionals;
    const EndpointSpec* spec = nullptr;  ///< the catalog row of an API action
};

struct CommandTree {
    std::vector<TreeCommand> commands;  ///< depth-first, commands[0] is the program itself
    [[nodiscard]] const TreeCommand& root() const { return commands.front(); }
    /// Options valid at `index` besides the program's (global) ones: its own and, through fallthrough,
    /// its ancestors'. The help flag, which every command has, counts as global.
    [[nodiscard]] std::vector<TreeOption> local_options(int index) const;
};

/// Reads `program` (CommandParser::describe) and classifies each option's values.
CommandTree build_command_tree(const CommandInfo& program);

/// The documented exit codes, in order: code and meaning.
struct ExitCodeDoc {
    int code;
    const char* meaning;
};
std::vector<ExitCodeDoc> exit_code_docs();

/// Shell emitters (completion_shells.cpp) and reference emitters (reference_docs.cpp).
std::string bash_completion(const CommandTree& tree);
std::string zsh_completion(const CommandTree& tree);
std::string fish_completion(const CommandTree& tree);
std::string markdown_reference(const CommandTree& tree);
std::string man_reference(const CommandTree& tree, const std::string& version);

}  // namespace ccai::cli
