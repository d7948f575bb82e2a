// `ccai-cli <group> <action>`: one subcommand per catalog row, its flags made from the row's path and
// query parameters, so adding an operation to endpoints.json adds it here with no code.
#include <string_view>
#include <vector>

#include <fmt/format.h>

#include "app.hpp"
#include "body_input.hpp"
#include "body_sets.hpp"
#include "ccai/body_fields.hpp"
#include "unknown_fields.hpp"
#include "exit_codes.hpp"
#include "commands/operation_examples.hpp"
#include "commands/operation_runner.hpp"
#include "commands/watch.hpp"

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
    std::string out = spec.body_is_array() ? "Body: a JSON array (--body).\n"
                                            : "Body fields (--body JSON|@file|@-, --set PATH=VALUE, --set-json PATH=JSON):\n";
    for (const auto& f : spec.body()) {
        const auto from = body_field_filled_from(spec, f);
        const auto required = f.required() != Required::yes ? std::string()
                              : from.empty()                ? std::string("(required) ")
                                                            : fmt::format("(required; {} fills it when left out) ", from);
        out += fmt::format("  {:<40} {:<14} {}{}\n", f.name(), f.type(), required, f.desc());
    }
    return out;
}

// The values one operation's flags collect.
struct OperationFlags {
    std::map<std::string, std::string> params;
    std::string body;
    std::vector<BodyAssignment> sets;  // --set and --set-json, in command-line order
    bool strict = false;
    bool allow_unknown = false;
    std::string file;
    bool all = false;
    long long max_items = 0;
    std::string watch;  ///< --watch INTERVAL ("" = no watch)
    bool every = false;
};

// --body, checked for fields the catalog does not describe, then --set / --set-json on top.
Result<nlohmann::json> body_from_flags(const EndpointSpec& spec, const OperationFlags& v, const Context& c) {
    auto policy = unknown_fields_policy(v.strict, v.allow_unknown);
    if (!policy) return policy.error();
    auto body = v.body.empty() ? Result<nlohmann::json>(nlohmann::json()) : read_body(v.body);
    if (!body) return body.error();
    if (*policy != UnknownFields::allow)
        if (const auto unknown = unknown_body_fields(spec, *body); !unknown.empty()) {
            if (*policy == UnknownFields::refuse) return unknown_fields_error(spec, unknown);
            warn_unknown_fields(c.console.err, fmt::format("{} {}", spec.group(), spec.action()), quoted_names(unknown));
        }
    return apply_assignments(spec, std::move(*body), v.sets, *policy == UnknownFields::allow);
}

void add_one(Command group, const EndpointSpec& spec, OperationFlags& v, CommandLine& cl) {
    auto cmd = group.add_command(std::string(spec.action()), std::string(spec.title()));
    cmd.group("Actions");
    std::string footer = body_help(spec);
    for (const auto& g : spec.one_of()) {
        std::string names;
        for (const auto n : g.names()) names += (names.empty() ? "" : " | ") + (g.where() == "query" ? "--" + kebab_case(n) : std::string(n));
        footer += fmt::format("One of: {} ({}).\n", names, g.exactly() ? "exactly one" : "at least one");
    }
    // The catalog's notes are for whoever maintains it (endpoints/CATALOG.md), not for the command's users.
    footer += fmt::format("\n{} {}   (docs: {})\n", spec.method(), spec.path(), spec.doc());
    footer += fmt::format("\nEnvironment: {}; a flag wins over its variable, and `ccai-cli config list` shows the rest.\n",
                          fmt::join(operation_environment(spec), ", "));
    const auto examples = operation_examples(spec);
    footer += examples.size() == 1 ? "\nExample:\n" : "\nExamples:\n";
    for (const auto& e : examples) footer += "  " + e + "\n";
    footer.pop_back();  // CLI11 ends the footer's line
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
        if (!spec.body_is_array()) {
            cmd.repeated("--set", [&v](const std::string& s) { v.sets.push_back({false, s}); },
                         "set a body field (repeatable): a.b, list[0].f, list[].f (a new element), list[-1].f (the last); "
                         "typed by the catalog")
                .type_name("PATH=VALUE");
            cmd.repeated("--set-json", [&v](const std::string& s) { v.sets.push_back({true, s}); },
                         "set a body field to a JSON value: an object, a list, null, ... (repeatable)")
                .type_name("PATH=JSON");
        }
        cmd.flag("--strict", v.strict, "refuse body fields the catalog does not describe (else --body draws a warning)");
        cmd.flag("--allow-unknown-fields", v.allow_unknown,
                 "send body fields the catalog does not describe without a word, in --set too (its documentation is incomplete)");
    }
    if (spec.pagination()) {
        cmd.flag("--all", v.all, "follow pagination to the end, streaming items in the -o format (JSON Lines by default)");
        cmd.option("--max-items", v.max_items, "with --all: stop after N items").positive();
    }
    if (spec.read_only()) {
        cmd.option("--watch", v.watch,
                   "call again every INTERVAL (30s, 2m; at least 10 pacer intervals) and print a timestamped line when "
                   "the answer changes, until Ctrl-C")
            .type_name("INTERVAL")
            .not_empty();
        cmd.flag("--every", v.every, "with --watch: a line at every poll, changed or not");
    }
    cmd.on_chosen([&spec, &v, &cl] {
        cl.action = [&spec, &v, &c = cl.context] {
            CallArgs args;
            for (const auto& [k, val] : v.params) args.params[k] = val;
            if (!v.body.empty() || !v.sets.empty()) {
                auto body = body_from_flags(spec, v, c);
                if (!body) return c.fail(body.error());
                args.body = std::move(*body);
            }
            if (!v.file.empty()) args.file = v.file;
            if (!v.watch.empty()) {
                if (v.all) return c.fail(invalid_input("--watch repeats one call: it does not combine with --all"));
                return run_watch(spec, args, c, v.watch, v.every);
            }
            if (v.every) return c.fail(invalid_input("--every goes with --watch"));
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
