#pragma once
// How command families declare their commands and options: a small builder over CLI11, free of it.
// CLI11 is header-only and its header defines objects and virtual functions, so every file including it
// compiles a copy of its parser and help formatter. Behind this builder only app.cpp and the completion
// model include it.
#include <functional>
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
    Option& positive();
    Option& not_empty();  ///< `--x=` is refused instead of reading as "not given"
    Option& default_value(const std::string& value);
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
    /// Each value as given, in order.
    Option option(const std::string& names, std::function<void(const std::string&)> each, const std::string& description);
    /// Repeatable; `each` runs as each value is parsed, so values of several such options keep the order the
    /// command line gives them (--set and --set-json build one body, in order).
    Option repeated(const std::string& names, std::function<void(const std::string&)> each, const std::string& description);
    Option flag(const std::string& names, bool& into, const std::string& description);
    /// A switch whose value, if any (`--flag=VALUE`), is passed as typed ("true" when none is given).
    Option flag(const std::string& names, std::function<void(const std::string&)> each, const std::string& description);

    CLI::App& app() { return *app_; }

private:
    CLI::App* app_;
};

}  // namespace ccai::cli
