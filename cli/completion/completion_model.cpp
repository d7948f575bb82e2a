// Reads the declared command tree into what completions and the command reference need.
#include <algorithm>

#include "app.hpp"
#include "completion/completion_model.hpp"
#include "exit_codes.hpp"

namespace ccai::cli {

namespace {

// The catalog's enum for an operation's parameter flag (--channel -> queues.size's "channel"); true and
// false for a boolean one.
std::vector<std::string> catalog_enums(const EndpointSpec* spec, const std::string& long_name) {
    if (spec == nullptr) return {};
    for (const auto params : {spec->path_params(), spec->query_params()})
        for (const auto& p : params)
            if ("--" + kebab_case(p.name()) == long_name) {
                if (p.type() == "boolean") return {"true", "false"};
                const auto enums = p.enums();
                return {enums.begin(), enums.end()};
            }
    return {};
}

// The values a global setting flag accepts, from the settings table: true and false for a boolean one,
// the choices of a choice one; none when free.
std::vector<std::string> setting_values(const std::string& long_name) {
    for (const auto& s : setting_specs()) {
        if ("--" + kebab_case(s.key) != long_name) continue;
        if (s.kind == SettingKind::boolean) return {"true", "false"};
        if (s.kind != SettingKind::choice) return {};
        std::vector<std::string> out;
        for (std::size_t start = 0; start <= s.choices.size();) {
            const auto end = std::min(s.choices.find('|', start), s.choices.size());
            if (end > start) out.emplace_back(s.choices.substr(start, end - start));
            start = end + 1;
        }
        return out;
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
        // A value of an enum or boolean field; arrays of enums take a JSON array, which is left to the user.
        if (!json) {
            for (const auto& e : f.enums()) out.push_back(name + "=" + std::string(e));
            if (f.type() == "boolean")
                for (const char* v : {"true", "false"}) out.push_back(name + "=" + v);
        }
    }
    return out;
}

TreeOption read_option(const OptionInfo& opt, const EndpointSpec* spec) {
    TreeOption o;
    o.names = opt.names;
    o.desc = opt.desc;
    o.required = opt.required;
    o.repeatable = opt.repeatable;
    if (opt.flag) return o;
    o.type_name = opt.type_name;
    std::string long_name;
    for (const auto& n : opt.names)
        if (n.starts_with("--")) {
            long_name = n;
            break;
        }
    o.kind = ValueKind::any;
    if (!opt.values.empty()) {
        o.kind = ValueKind::list;
        o.values = opt.values;
    } else if (auto enums = catalog_enums(spec, long_name); !enums.empty()) {
        o.kind = ValueKind::list;
        o.values = std::move(enums);
    } else if (auto values = spec == nullptr ? setting_values(long_name) : std::vector<std::string>{}; !values.empty()) {
        o.kind = ValueKind::list;
        o.values = std::move(values);
    } else if (long_name == "--body") {
        o.kind = ValueKind::body;
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

void walk(const CommandInfo& info, CommandTree& tree, int parent) {
    const int index = static_cast<int>(tree.commands.size());
    TreeCommand cmd;
    cmd.name = info.name;
    cmd.parent = parent;
    if (parent >= 0) {
        const auto& p = tree.commands[static_cast<size_t>(parent)];
        cmd.path = p.path.empty() ? cmd.name : p.path + " " + cmd.name;
        // Two levels below the program: an API action, if the catalog has one by that group and name.
        if (p.parent == 0) cmd.spec = find_endpoint(p.name, cmd.name);
    }
    cmd.desc = info.desc;
    cmd.group = info.group;
    cmd.footer = info.footer;
    for (const auto& opt : info.options) {
        if (opt.names.empty()) {
            auto values = opt.values;
            if (opt.type_name == "KEY")  // config set|get|unset: a setting of the table
                for (const auto& s : setting_specs()) values.emplace_back(s.key);
            cmd.positionals.push_back({opt.name, opt.desc, opt.required, std::move(values)});
        } else {
            cmd.options.push_back(read_option(opt, cmd.spec));
        }
    }
    tree.commands.push_back(std::move(cmd));
    for (const auto& sub : info.children) {
        tree.commands[static_cast<size_t>(index)].children.push_back(static_cast<int>(tree.commands.size()));
        walk(sub, tree, index);
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

CommandTree build_command_tree(const CommandInfo& program) {
    CommandTree tree;
    walk(program, tree, -1);
    return tree;
}

std::vector<ExitCodeDoc> exit_code_docs() {
    return {
        {kOk, "success"},
        {kOther, "other error (an output that cannot be written too: a closed pipe, quietly)"},
        {kUsage, "usage error or invalid input (bad flag, malformed JSON body, ...)"},
        {kConfig, "configuration error (missing host or credentials, unknown profile, unsafe credentials file; batch: the "
                  "record of sent lines is damaged or unsafe)"},
        {kAuth, "authentication rejected (401/403)"},
        {kNotFound, "not found (404)"},
        {kClientError, "other 4xx response"},
        {kRateLimited, "rate limited (429) after all retries"},
        {kServerError, "server error (5xx) after all retries"},
        {kNetwork, "network error (DNS, connect, TLS, timeout)"},
        {kBatchFailures, "batch finished with one or more lines failed, in doubt or invalid"},
        {kInterrupted, "interrupted (SIGINT)"},
    };
}

}  // namespace ccai::cli
