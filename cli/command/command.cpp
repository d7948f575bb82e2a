// Every use of CLI11 in the project: the builder (command.hpp), one parse, and the declared tree read back.
#include "command.hpp"

#include <algorithm>
#include <sstream>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "ccai/error.hpp"
#include "util/edit_distance.hpp"

namespace ccai::cli {

// --- The builder ---

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
Option& Option::range(double min, double max) {
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
Option& Option::show_default() {
    option_->capture_default_str();
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
Option Command::option(const std::string& names, double& into, const std::string& description) {
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

// --- The parse ---

CommandParser::CommandParser(const std::string& program, const std::string& description)
    : app_(std::make_unique<CLI::App>(description, program)) {}

CommandParser::~CommandParser() = default;

Command CommandParser::root() { return Command(app_.get()); }

void CommandParser::version_flag(std::function<std::string()> text) { app_->set_version_flag("--version", std::move(text)); }

namespace {

// The deepest command the words chose ("agents get"), and its names from the program down.
CLI::App* deepest_parsed(CLI::App& app, std::vector<std::string>& path) {
    CLI::App* deepest = &app;
    for (bool descended = true; descended;) {
        descended = false;
        for (auto* sub : deepest->get_subcommands())
            if (sub->parsed()) {
                deepest = sub;
                path.push_back(sub->get_name());
                descended = true;
                break;
            }
    }
    return deepest;
}

// The words the parse could not place, in the order they were typed. CLI11 collects them while it takes
// the command line from the end, so its list (and its "not expected" message) runs backwards.
std::vector<std::string> unplaced_words(const CLI::App& app, int argc, const char* const* argv) {
    auto left = app.remaining(true);
    std::vector<std::string> out;
    for (int i = 1; i < argc && !left.empty(); ++i)
        if (const auto it = std::find(left.begin(), left.end(), argv[i]); it != left.end()) {
            out.push_back(*it);
            left.erase(it);
        }
    out.insert(out.end(), left.begin(), left.end());
    return out;
}

std::string did_you_mean(std::string_view typed, const std::vector<std::string>& candidates) {
    const auto near = detail::closest_name(typed, candidates);
    return near.empty() ? std::string() : fmt::format("; did you mean '{}'?", near);
}

// The long flags valid at `cmd`: its own and, through fallthrough, those of the commands above it.
std::vector<std::string> flags_at(const CLI::App* cmd) {
    std::vector<std::string> names;
    for (; cmd != nullptr; cmd = cmd->get_parent())
        for (const auto* opt : cmd->get_options())
            for (const auto& l : opt->get_lnames()) names.push_back("--" + l);
    return names;
}

std::string joined(const std::vector<std::string>& words, std::string_view separator) {
    std::string out;
    for (const auto& w : words) out += (out.empty() ? "" : std::string(separator)) + w;
    return out;
}

// CLI11 says only "A subcommand is required" for `ccai-cli agents lst`, and lists the unexpected words of
// `--agentid a-1` backwards with no hint: name the first word that went wrong, what it may have meant, or
// the choices.
std::string usage_message(CLI::App& app, const CLI::ParseError& e, int argc, const char* const* argv,
                          std::vector<std::string>& path, std::string& unknown_flag) {
    CLI::App* deepest = deepest_parsed(app, path);
    const std::string where = path.empty() ? app.get_name() : joined(path, " ");
    const auto words = unplaced_words(app, argc, argv);
    // An unknown flag first: the words after it are most likely its value.
    for (const auto& w : words) {
        if (w.size() < 2 || w.front() != '-' || w == "--") continue;
        const std::string name = w.substr(0, w.find('='));
        unknown_flag = name;
        return fmt::format("unknown flag {} for {}{}", quoted_excerpt(name), where, did_you_mean(name, flags_at(deepest)));
    }
    const auto choices = deepest->get_subcommands({});
    std::vector<std::string> names;
    for (const auto* c : choices)
        if (!c->get_group().empty()) names.push_back(c->get_name());
    if (!names.empty() && deepest->get_subcommands().empty()) {
        const std::string what = path.empty() ? "command" : "action";
        if (words.empty()) return fmt::format("{}: missing {}; one of: {}", where, what, joined(names, ", "));
        const auto& typed = words.front();
        const auto hint = did_you_mean(typed, names);
        return fmt::format("unknown {} {} for {}{}", what, quoted_excerpt(typed), where,
                           hint.empty() ? "; one of: " + joined(names, ", ") : hint);
    }
    if (!words.empty() && dynamic_cast<const CLI::ExtrasError*>(&e) != nullptr) {
        std::vector<std::string> quoted;
        for (const auto& w : words) quoted.push_back(quoted_excerpt(w));
        return fmt::format("{}: unexpected argument{} {}", where, words.size() > 1 ? "s" : "", joined(quoted, " "));
    }
    return e.what();
}

// --help and --version: CLI11 prints on streams; the caller decides where the text goes.
ParseOutcome printed(CLI::App& app, const CLI::Error& e) {
    std::ostringstream out, err;
    ParseOutcome o;
    o.kind = ParseOutcome::Kind::printed;
    o.exit_code = app.exit(e, out, err);
    o.out = out.str();
    o.err = err.str();
    return o;
}

}  // namespace

ParseOutcome CommandParser::parse(int argc, const char* const* argv) {
    try {
        app_->parse(argc, argv);
    } catch (const CLI::CallForHelp& e) {
        return printed(*app_, e);
    } catch (const CLI::CallForAllHelp& e) {
        return printed(*app_, e);
    } catch (const CLI::CallForVersion& e) {
        return printed(*app_, e);
    } catch (const CLI::ParseError& e) {
        ParseOutcome o;
        o.kind = ParseOutcome::Kind::usage_error;
        o.exit_code = e.get_exit_code();
        o.message = usage_message(*app_, e, argc, argv, o.command_path, o.unknown_flag);
        return o;
    }
    ParseOutcome o;
    deepest_parsed(*app_, o.command_path);
    return o;
}

ParseOutcome CommandParser::help_for(const std::vector<std::string>& words) const {
    ParseOutcome o;
    const CLI::App* at = app_.get();
    std::string prefix;
    for (const auto& w : words) {
        const CLI::App* next = nullptr;
        std::vector<std::string> names;
        for (const auto* sub : at->get_subcommands({})) {
            if (sub->get_name() == w) next = sub;
            if (!sub->get_group().empty()) names.push_back(sub->get_name());
        }
        if (next == nullptr) {
            o.kind = ParseOutcome::Kind::usage_error;
            o.exit_code = 2;
            const std::string where = o.command_path.empty() ? at->get_name() : joined(o.command_path, " ");
            const std::string what = o.command_path.empty() ? "command" : "action";
            const auto hint = names.empty() ? std::string() : did_you_mean(w, names);
            o.message = names.empty() ? fmt::format("{} has no {}s; {} names none", where, what, quoted_excerpt(w))
                                      : fmt::format("unknown {} {} for {}{}", what, quoted_excerpt(w), where,
                                                    hint.empty() ? "; one of: " + joined(names, ", ") : hint);
            return o;
        }
        prefix += (prefix.empty() ? "" : " ") + at->get_name();
        o.command_path.push_back(w);
        at = next;
    }
    o.kind = ParseOutcome::Kind::printed;
    o.out = at->help(prefix);
    return o;
}

// --- The tree, read back ---

namespace {

// CLI11's IsMember describes itself as "{a,b,c}"; other validators (PositiveNumber, ...) do not.
std::vector<std::string> member_values(CLI::Option& opt) {
    for (int i = 0;; ++i) {
        CLI::Validator* v = nullptr;
        try {
            v = opt.get_validator(i);  // throws past the last one
        } catch (const CLI::OptionNotFound&) {
        }
        if (v == nullptr) break;
        const std::string d = v->get_description();
        if (d.size() < 2 || d.front() != '{' || d.back() != '}' || d.find("->") != std::string::npos) continue;
        std::vector<std::string> out;
        std::string item;
        for (char c : d.substr(1, d.size() - 2)) {
            if (c == ',') {
                out.push_back(item);
                item.clear();
            } else item += c;
        }
        out.push_back(item);
        return out;
    }
    return {};
}

OptionInfo describe_option(CLI::Option& opt) {
    OptionInfo o;
    for (const auto& s : opt.get_snames()) o.names.push_back("-" + s);
    for (const auto& l : opt.get_lnames()) o.names.push_back("--" + l);
    if (o.names.empty()) o.name = opt.get_name(true);
    o.desc = opt.get_description();
    o.required = opt.get_required();
    o.repeatable = opt.get_expected_max() > 1;
    o.flag = opt.get_expected_max() == 0;
    if (o.flag) return o;
    o.type_name = opt.get_type_name();
    if (const auto colon = o.type_name.find(':'); colon != std::string::npos) o.type_name.resize(colon);
    o.values = member_values(opt);
    return o;
}

CommandInfo describe_command(CLI::App& app) {
    CommandInfo c;
    c.name = app.get_name();
    c.desc = app.get_description();
    c.group = app.get_group();
    c.footer = app.get_footer();
    for (auto* opt : app.get_options([](CLI::Option*) { return true; }))
        if (!opt->get_group().empty()) c.options.push_back(describe_option(*opt));
    for (auto* sub : app.get_subcommands([](CLI::App* s) { return !s->get_group().empty(); }))
        c.children.push_back(describe_command(*sub));
    return c;
}

}  // namespace

CommandInfo CommandParser::describe() const { return describe_command(*app_); }

}  // namespace ccai::cli
