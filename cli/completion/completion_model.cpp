// Reads the CLI11 command tree into plain data for completions and the command reference.
#include <algorithm>

#include <CLI/CLI.hpp>

#include "app.hpp"
#include "completion/completion_model.hpp"
#include "exit_codes.hpp"

namespace ccai::cli {

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

// The catalog's enum for an operation's parameter flag (--channel -> queues.size's "channel").
std::vector<std::string> catalog_enums(const EndpointSpec* spec, const std::string& long_name) {
    if (spec == nullptr) return {};
    for (const auto params : {spec->path_params(), spec->query_params()})
        for (const auto& p : params)
            if ("--" + kebab_case(p.name()) == long_name) {
                const auto enums = p.enums();
                return {enums.begin(), enums.end()};
            }
    return {};
}

// --set completes the body's fields that take a value typed by hand, --set-json those that take an object or
// a list. A name with "[]" is valid input as it stands: it adds a new element.
std::vector<std::string> set_paths(const EndpointSpec* spec, bool json) {
    std::vector<std::string> out;
    if (spec == nullptr) return out;
    for (const auto& f : spec->body()) {
        const std::string name(f.name());
        if (name.find(' ') != std::string::npos) continue;
        const bool structured = f.type() == "object" || f.type().starts_with("array");
        if (structured != json) continue;
        out.push_back(name + "=");
        // A value of an enum field; arrays of enums take a JSON array, which is left to the user.
        if (!json)
            for (const auto& e : f.enums()) out.push_back(name + "=" + std::string(e));
    }
    return out;
}

TreeOption read_option(CLI::Option& opt, const EndpointSpec* spec) {
    TreeOption o;
    for (const auto& s : opt.get_snames()) o.names.push_back("-" + s);
    for (const auto& l : opt.get_lnames()) o.names.push_back("--" + l);
    o.desc = opt.get_description();
    o.required = opt.get_required();
    o.repeatable = opt.get_expected_max() > 1;
    if (opt.get_expected_max() == 0) return o;  // a flag
    o.type_name = opt.get_type_name();
    if (const auto colon = o.type_name.find(':'); colon != std::string::npos) o.type_name.resize(colon);
    const std::string long_name = opt.get_lnames().empty() ? "" : "--" + opt.get_lnames().front();
    o.kind = ValueKind::any;
    if (auto values = member_values(opt); !values.empty()) {
        o.kind = ValueKind::list;
        o.values = std::move(values);
    } else if (auto enums = catalog_enums(spec, long_name); !enums.empty()) {
        o.kind = ValueKind::list;
        o.values = std::move(enums);
    } else if (long_name == "--profile") {
        o.kind = ValueKind::profiles;
    } else if (long_name == "--set" || long_name == "--set-json") {
        o.values = set_paths(spec, long_name == "--set-json");
        if (!o.values.empty()) o.kind = ValueKind::set_path;
    } else if (o.type_name == "PATH" || o.type_name.starts_with("FILE")) {
        o.kind = ValueKind::files;
    } else if (o.type_name == "OPERATION") {  // batch --op: an operation id of the catalog
        o.kind = ValueKind::list;
        for (const auto& e : endpoints()) o.values.emplace_back(e.id());
    }
    return o;
}

void walk(CLI::App& app, CommandTree& tree, int parent) {
    const int index = static_cast<int>(tree.commands.size());
    TreeCommand cmd;
    cmd.name = app.get_name();
    cmd.parent = parent;
    if (parent >= 0) {
        const auto& p = tree.commands[static_cast<size_t>(parent)];
        cmd.path = p.path.empty() ? cmd.name : p.path + " " + cmd.name;
        // Two levels below the program: an API action, if the catalog has one by that group and name.
        if (p.parent == 0) cmd.spec = find_endpoint(p.name, cmd.name);
    }
    cmd.desc = app.get_description();
    cmd.group = app.get_group();
    cmd.footer = app.get_footer();
    for (auto* opt : app.get_options([](CLI::Option*) { return true; })) {
        if (opt->get_group().empty()) continue;  // hidden
        if (opt->get_positional() && opt->get_snames().empty() && opt->get_lnames().empty()) {
            cmd.positionals.push_back({opt->get_name(true), opt->get_description(), opt->get_required(), member_values(*opt)});
            continue;
        }
        cmd.options.push_back(read_option(*opt, cmd.spec));
    }
    tree.commands.push_back(std::move(cmd));
    for (auto* sub : app.get_subcommands([](CLI::App* s) { return !s->get_group().empty(); })) {
        tree.commands[static_cast<size_t>(index)].children.push_back(static_cast<int>(tree.commands.size()));
        walk(*sub, tree, index);
    }
}

}  // namespace

std::vector<TreeOption> CommandTree::local_options(int index) const {
    std::vector<TreeOption> out;
    for (int i = index; i > 0; i = commands[static_cast<size_t>(i)].parent) {
        for (const auto& o : commands[static_cast<size_t>(i)].options) {
            const bool global = std::any_of(commands.front().options.begin(), commands.front().options.end(),
                                            [&](const TreeOption& x) { return x.names == o.names; });
            if (global) continue;
            const bool seen = std::any_of(out.begin(), out.end(), [&](const TreeOption& x) { return x.names == o.names; });
            if (!seen) out.push_back(o);
        }
    }
    return out;
}

CommandTree build_command_tree(CLI::App& app) {
    CommandTree tree;
    walk(app, tree, -1);
    return tree;
}

std::vector<ExitCodeDoc> exit_code_docs() {
    return {
        {kOk, "success"},
        {kOther, "other error"},
        {kUsage, "usage error or invalid input (bad flag, malformed JSON body, ...)"},
        {kConfig, "configuration error (missing host or credentials, unknown profile, unsafe credentials file)"},
        {kAuth, "authentication rejected (401/403)"},
        {kNotFound, "not found (404)"},
        {kClientError, "other 4xx response"},
        {kRateLimited, "rate limited (429) after all retries"},
        {kServerError, "server error (5xx) after all retries"},
        {kNetwork, "network error (DNS, connect, TLS, timeout)"},
        {kBatchFailures, "batch finished with one or more failed items"},
        {kInterrupted, "interrupted (SIGINT)"},
    };
}

}  // namespace ccai::cli
