// Every use of CLI11 in the project: the builder (command.hpp), one parse, and the declared tree read back.
#include "command.hpp"

#include <sstream>

#include <CLI/CLI.hpp>

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
    const std::string where = deepest == &app ? app.get_name() : deepest->get_name();
    return rest.empty() ? where + ": missing command; one of: " + names
                        : where + ": unknown command '" + rest.front() + "'; one of: " + names;
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
        o.message = usage_message(*app_, e);
        return o;
    }
    return {};
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
