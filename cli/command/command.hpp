#pragma once
// How programs declare their commands and options: a small builder over CLI11, free of it. CLI11 is
// header-only and its header defines objects and virtual functions, so every file including it compiles
// a copy of its parser and help formatter. Behind this builder one file includes it (command.cpp), for
// ccai-cli and ccai-mock alike.
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace CLI {
class App;
class Option;
}  // namespace CLI

namespace ccai::cli {

/// One option or flag of a command; each setter returns the option, so they chain.
class Option {
public:
    explicit Option(CLI::Option* option) : option_(option) {}
    Option& required();
    Option& type_name(const std::string& name);  ///< the value's name in help (FILE, COLUMN=FIELD)
    Option& group(const std::string& heading);   ///< the help section it is listed under
    Option& one_of(std::vector<std::string> values);  ///< completion lists the values too
    Option& range(int min, int max);
    Option& range(double min, double max);
    Option& positive();
    Option& not_empty();  ///< `--x=` is refused instead of reading as "not given"
    Option& default_value(const std::string& value);
    Option& show_default();  ///< help shows the bound variable's value at declaration
    /// Whether the user gave it (even with an empty value).
    bool given() const;

private:
    CLI::Option* option_;
};

/// A command, or a group of commands.
class Command {
public:
    explicit Command(CLI::App* app) : app_(app) {}

    /// A subcommand. Options of its parents are accepted after it too (`ccai-cli queues list -o table`).
    Command add_command(const std::string& name, const std::string& description);
    /// This is a group: one of its commands must follow.
    Command& require_command();
    Command& footer(const std::string& text);
    Command& group(const std::string& heading);
    /// Runs when the command line chose this command, once parsing succeeded.
    Command& on_chosen(std::function<void()> fn);

    Option option(const std::string& names, std::string& into, const std::string& description);
    Option option(const std::string& names, std::vector<std::string>& into, const std::string& description);
    Option option(const std::string& names, int& into, const std::string& description);
    Option option(const std::string& names, long long& into, const std::string& description);
    Option option(const std::string& names, double& into, const std::string& description);
    /// Each value as given, in order.
    Option option(const std::string& names, std::function<void(const std::string&)> each, const std::string& description);
    /// Repeatable; `each` runs as each value is parsed, so values of several such options keep the order the
    /// command line gives them (--set and --set-json build one body, in order).
    Option repeated(const std::string& names, std::function<void(const std::string&)> each, const std::string& description);
    Option flag(const std::string& names, bool& into, const std::string& description);
    /// A switch whose value, if any (`--flag=VALUE`), is passed as typed ("true" when none is given).
    Option flag(const std::string& names, std::function<void(const std::string&)> each, const std::string& description);

private:
    CLI::App* app_;
};

/// What a parse ended in.
struct ParseOutcome {
    enum class Kind {
        run,          ///< a command was chosen; its on_chosen callbacks ran
        printed,      ///< --help or --version: `out` (and `err`) hold the text to print, then exit with `exit_code`
        usage_error,  ///< `message` says what was wrong
    };
    Kind kind = Kind::run;
    int exit_code = 0;
    std::string out, err, message;
    /// The commands the words chose, below the program ("agents get"): also when the parse failed, so that
    /// an error can point to that command's help.
    std::vector<std::string> command_path;
    /// usage_error: the unknown flag the message is about ("--watch"), "" when it is about something else, so
    /// that the program can say why that command has no such flag.
    std::string unknown_flag;
};

/// A command's declaration as plain data, for completions and reference pages. Hidden commands and
/// options (those without a help group) are left out.
struct OptionInfo {
    std::vector<std::string> names;  ///< "-o", "--output" (short names first); empty for a positional
    std::string name;                ///< a positional's name
    std::string desc;
    std::string type_name;           ///< "TEXT", "PATH", ... as declared, up to any ':'; "" for flags
    std::vector<std::string> values;  ///< the allowed values (one_of), empty when free
    bool flag = false;
    bool required = false;
    bool repeatable = false;
};
struct CommandInfo {
    std::string name, desc, group, footer;
    std::vector<OptionInfo> options;  ///< positionals included
    std::vector<CommandInfo> children;
};

/// A program's command tree: its root command, a parse, and a description of what was declared.
class CommandParser {
public:
    CommandParser(const std::string& program, const std::string& description);
    ~CommandParser();
    CommandParser(const CommandParser&) = delete;
    CommandParser& operator=(const CommandParser&) = delete;

    Command root();
    /// Adds --version, printing `text()`.
    void version_flag(std::function<std::string()> text);
    /// Parses argv and runs the chosen commands' callbacks. Once only.
    ParseOutcome parse(int argc, const char* const* argv);
    /// What `PROGRAM WORDS... --help` prints (`ccai-cli help agents get`); a usage_error outcome, with a
    /// did-you-mean, when a word names no command.
    ParseOutcome help_for(const std::vector<std::string>& words) const;
    CommandInfo describe() const;

private:
    std::unique_ptr<CLI::App> app_;
};

}  // namespace ccai::cli
