// `ccai-cli <group> <action>`: one subcommand per catalog row, its flags made from the row's path and
// query parameters, so adding an operation to endpoints.json adds it here with no code.
#include <string_view>
#include <vector>

#include <fmt/format.h>

#include "app.hpp"
#include "body_input.hpp"
#include "exit_codes.hpp"
#include "commands/operation_runner.hpp"

namespace ccai::cli {

namespace {

// botId / accountId / orgId are account-wide: the global --bot-id, --account-id, --org-id fill them.
bool is_account_wide(std::string_view name) { return !profile_key_for(name).empty(); }

std::string param_help(const ParamSpec& p) {
    std::string h(p.desc());
    if (p.required() == Required::yes) h += " (required)";
    if (!p.default_value().empty()) h += fmt::format(" [default: {}]", p.default_value());
    if (!p.enums().empty()) h += fmt::format(" {{{}}}", fmt::join(p.enums(), ","));
    return h;
}

std::string body_help(const EndpointSpec& spec) {
    if (spec.is_multipart()) return "Upload: --file PATH (sent as multipart form field 'file').\n";
    if (!spec.takes_body()) return "";
    std::string out = spec.body_is_array() ? "Body: a JSON array (--body).\n" : "Body fields (--body JSON|@file|@-, --set path=value):\n";
    for (const auto& f : spec.body())
        out += fmt::format("  {:<40} {:<14} {}{}\n", f.name(), f.type(), f.required() == Required::yes ? "(required) " : "", f.desc());
    return out;
}

// The values one operation's flags collect.
struct OperationFlags {
    std::map<std::string, std::string> params;
    std::string body;
    std::vector<std::string> sets;
    std::string file;
    bool all = false;
    long long max_items = 0;
};

void add_one(Command group, const EndpointSpec& spec, OperationFlags& v, CommandLine& cl) {
    auto cmd = group.add_command(std::string(spec.action()), std::string(spec.title()));
    std::string footer = body_help(spec);
    for (const auto& g : spec.one_of()) {
        std::string names;
        for (const auto n : g.names()) names += (names.empty() ? "" : " | ") + (g.where() == "query" ? "--" + kebab_case(n) : std::string(n));
        footer += fmt::format("One of: {} ({}).\n", names, g.exactly() ? "exactly one" : "at least one");
    }
    if (!spec.notes().empty()) footer += "\nNotes: " + std::string(spec.notes()) + "\n";
    footer += fmt::format("\n{} {}   (docs: {})", spec.method(), spec.path(), spec.doc());
    cmd.footer(footer);
    for (const auto params : {spec.path_params(), spec.query_params()}) {
        for (const auto& p : params) {
            if (is_account_wide(p.name())) continue;
            const std::string name(p.name());
            cmd.option("--" + kebab_case(p.name()), [&v, name](const std::string& s) { v.params[name] = s; }, param_help(p))
                .type_name(p.type().empty() ? "VALUE" : std::string(p.type()) == "string" ? "TEXT" : std::string(p.type()));
        }
    }
    if (spec.is_multipart()) cmd.option("--file", v.file, "file to upload").type_name("PATH");
    if (spec.takes_body()) {
        cmd.option("--body", v.body, "JSON body, @file, or @- for stdin").type_name("JSON");
        if (!spec.body_is_array()) cmd.option("--set", v.sets, "set a body field: path=value (repeatable)").type_name("PATH=VALUE");
    }
    if (spec.pagination()) {
        cmd.flag("--all", v.all, "follow pagination to the end, streaming items as JSON Lines");
        cmd.option("--max-items", v.max_items, "with --all: stop after N items").positive();
    }
    cmd.on_chosen([&spec, &v, &cl] {
        cl.action = [&spec, &v, &c = cl.context] {
            CallArgs args;
            for (const auto& [k, val] : v.params) args.params[k] = val;
            if (!v.body.empty() || !v.sets.empty()) {
                auto body = v.body.empty() ? Result<nlohmann::json>(nlohmann::json()) : read_body(v.body);
                if (!body) return c.fail(body.error());
                auto merged = apply_sets(std::move(*body), v.sets);
                if (!merged) return c.fail(merged.error());
                args.body = std::move(*merged);
            }
            if (!v.file.empty()) args.file = v.file;
            if (v.all) return run_all_pages(spec, args, c, v.max_items);
            return run_operation(spec, args, c);
        };
    });
}

}  // namespace

void add_operation_commands(CommandLine& cl) {
    std::map<std::string_view, Command> groups;
    for (const auto& spec : endpoints()) {
        auto it = groups.find(spec.group());
        if (it == groups.end()) {
            auto group = cl.root().add_command(std::string(spec.group()), fmt::format("{} operations", spec.group()));
            group.require_command().group("API groups");
            it = groups.emplace(spec.group(), group).first;
        }
        add_one(it->second, spec, cl.own<OperationFlags>(), cl);
    }
}

}  // namespace ccai::cli
