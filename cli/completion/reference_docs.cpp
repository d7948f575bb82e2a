// The command reference (docs/commands.md) and the man page (ccai-cli.1), printed from the command tree
// and the endpoint table: every group, action, title, method and path, flag, body field and exit code.
#include <fmt/format.h>

#include <algorithm>

#include "ccai/config.hpp"
#include "ccai/request_builder.hpp"
#include "completion/completion_model.hpp"

namespace ccai::cli {

namespace {

constexpr const char* kApiGroup = "API groups";

// A markdown table cell: one line, pipes escaped.
std::string md_cell(std::string_view s) {
    std::string out;
    for (char c : s) {
        if (c == '|') out += "\\|";
        else if (c == '\n') out += ' ';
        else out += c;
    }
    return out;
}

std::string option_label(const TreeOption& o) {
    std::string out;
    for (const auto& n : o.names) out += (out.empty() ? "" : ", ") + n;
    return out;
}

std::string option_value(const TreeOption& o) {
    if (o.kind == ValueKind::none) return "";
    if (o.kind == ValueKind::list && o.values.size() <= 12) {
        std::string v;
        for (const auto& x : o.values) v += (v.empty() ? "" : "\\|") + x;
        return v;
    }
    return md_cell(o.type_name);
}

std::string anchor(std::string_view path) {
    std::string out;
    for (char c : path) out += c == ' ' ? '-' : static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

const char* required_text(Required r) { return r == Required::yes ? "yes" : r == Required::no ? "no" : "?"; }

void md_options(std::string& s, const std::vector<TreeOption>& options) {
    if (options.empty()) return;
    s += "| Option | Value | Description |\n|---|---|---|\n";
    for (const auto& o : options) {
        const auto value = option_value(o);
        s += fmt::format("| `{}` | {} | {}{} |\n", option_label(o), value.empty() ? "" : "`" + value + "`", md_cell(o.desc),
                         o.required ? " (required)" : "");
    }
    s += "\n";
}

std::string synopsis(const TreeCommand& c) {
    std::string s = "ccai-cli " + c.path;
    for (const auto& p : c.positionals) s += p.required ? " " + p.name : " [" + p.name + "]";
    for (const auto& o : c.options)
        if (o.required) s += " " + o.names.back() + " " + o.type_name;
    if (!c.children.empty()) s += " <command>";
    else if (!c.options.empty()) s += " [options]";
    return s;
}

void md_endpoint(std::string& s, const EndpointSpec& e) {
    s += fmt::format("`{} {}` · docs: `{}` · id `{}`\n\n", e.method(), e.path(), e.doc(), e.id());
    if (e.is_multipart()) s += "Upload: `--file PATH`, sent as the multipart form field `file`.\n\n";
    if (e.takes_body()) {
        if (e.body_is_array()) s += "Body: a JSON array (`--body`).\n\n";
        if (!e.body().empty()) {
            s += "| Body field | Type | Required | Description |\n|---|---|---|---|\n";
            for (const auto& f : e.body()) {
                std::string desc = md_cell(f.desc());
                if (!f.enums().empty()) {
                    std::string v;
                    for (const auto& x : f.enums()) v += (v.empty() ? "" : ", ") + std::string(x);
                    desc += " One of: " + md_cell(v) + ".";
                }
                if (const auto from = body_field_filled_from(e, f); !from.empty())
                    desc += fmt::format("; `{}` fills it when left out.", from);
                s += fmt::format("| `{}` | {} | {} | {} |\n", f.name(), md_cell(f.type()), required_text(f.required()), desc);
            }
            s += "\n";
        }
    }
    for (const auto& g : e.one_of()) {
        std::string names;
        for (const auto n : g.names())
            names += (names.empty() ? "" : " | ") + (g.where() == "query" ? "`--" + kebab_case(n) + "`" : "`" + std::string(n) + "`");
        s += fmt::format("One of: {} ({}{}).\n\n", names, g.exactly() ? "exactly one" : "at least one",
                         g.where() == "body" ? ", body fields" : "");
    }
    s += fmt::format("{} · rate limit: the account's {}{}.\n\n",
                     e.read_only() ? "Read-only: changes nothing, safe to repeat" : "Changes data",
                     e.rate_limit(), e.rate_limit_listed() ? "" : " (not listed on the rate-limit page: assumed shared)");
    if (e.pagination()) {
        std::string params;
        for (const auto& p : e.pagination()->params()) params += (params.empty() ? "" : ", ") + std::string(p);
        s += fmt::format("Pagination: {}{}, counting {} (`--all` follows it).\n\n", e.pagination()->style(),
                         params.empty() ? "" : " (" + params + ")", e.pagination()->counts_pages() ? "pages" : "items");
    }
}

// "N operations in M groups: agents (7), ...": the count and the families, from the table itself.
std::string operation_summary() {
    std::vector<std::pair<std::string_view, int>> groups;
    int read_only = 0;
    for (const auto& e : endpoints()) {
        auto it = std::find_if(groups.begin(), groups.end(), [&](const auto& g) { return g.first == e.group(); });
        if (it == groups.end()) groups.emplace_back(e.group(), 1);
        else ++it->second;
        read_only += e.read_only();
    }
    std::string list;
    for (const auto& [g, n] : groups) list += fmt::format("{}{} ({})", list.empty() ? "" : ", ", g, n);
    return fmt::format("{} operations ({} read-only) in {} groups: {}.", endpoints().size(), read_only, groups.size(), list);
}

void md_command(std::string& s, const CommandTree& tree, const TreeCommand& c, int level) {
    s += fmt::format("{} {}\n\n", std::string(static_cast<size_t>(level), '#'), c.path);
    if (c.spec) s += fmt::format("**{}**\n\n", c.spec->title());
    else if (!c.desc.empty()) s += c.desc + "\n\n";
    s += fmt::format("```\n{}\n```\n\n", synopsis(c));
    if (c.spec) md_endpoint(s, *c.spec);
    for (const auto& p : c.positionals) s += fmt::format("- `{}`: {}\n", p.name, p.desc);
    if (!c.positionals.empty()) s += "\n";
    std::vector<TreeOption> options;
    for (const auto& o : c.options)
        if (o.names.back() != "--help") options.push_back(o);
    md_options(s, options);
    if (!c.children.empty() && !c.spec) {
        for (int i : c.children) md_command(s, tree, tree.commands[static_cast<size_t>(i)], level + 1);
    }
}

}  // namespace

std::string markdown_reference(const CommandTree& tree) {
    const auto& root = tree.root();
    std::string s;
    s += "# ccai-cli command reference\n\n"
         "<!-- Generated by `ccai-cli reference --format markdown` from the command tree and the endpoint table;\n"
         "     do not edit. Regenerate with scripts/update-goldens.sh. -->\n\n";
    s += root.desc + "\n\n";
    s += "```\nccai-cli [global options] <group> <action> [options]\n```\n\n";
    s += "Every command accepts `-h`/`--help`. Operation flags come from the endpoint catalog "
         "(`endpoints/endpoints.json`); the account-wide ids (`botId`, `accountId`, `orgId`) are filled from the "
         "profile or the global flags.\n\n";
    s += "- [Global options](#global-options)\n- [Exit codes](#exit-codes)\n- [Utility commands](#utility-commands)\n"
         "- [API operations](#api-operations)\n\n";

    s += "## Global options\n\nValid before or after the subcommand.\n\n";
    md_options(s, root.options);

    s += "## Exit codes\n\n| Code | Meaning |\n|---|---|\n";
    for (const auto& e : exit_code_docs()) s += fmt::format("| {} | {} |\n", e.code, e.meaning);
    s += "\nErrors go to stderr: a message and a hint when stderr is a terminal, else one JSON object `{\"error\": {...}}` a line; `--error-format text|json` (or CCAI_ERROR_FORMAT, or error_format in the profile) chooses.\n\n";

    s += "## Utility commands\n\n";
    for (int i : root.children) {
        const auto& c = tree.commands[static_cast<size_t>(i)];
        if (c.group != kApiGroup) md_command(s, tree, c, 3);
    }

    s += "## API operations\n\n";
    s += operation_summary() + "\n\n";
    s += "| Group | Action | Method | Path | Title |\n|---|---|---|---|---|\n";
    for (int i : root.children) {
        const auto& g = tree.commands[static_cast<size_t>(i)];
        if (g.group != kApiGroup) continue;
        for (int j : g.children) {
            const auto& a = tree.commands[static_cast<size_t>(j)];
            if (!a.spec) continue;
            s += fmt::format("| {} | [{}](#{}) | {} | `{}` | {} |\n", g.name, a.name, anchor(a.path), a.spec->method(),
                             md_cell(a.spec->path()), md_cell(a.spec->title()));
        }
    }
    s += "\n";
    for (int i : root.children) {
        const auto& g = tree.commands[static_cast<size_t>(i)];
        if (g.group != kApiGroup) continue;
        s += fmt::format("### {}\n\n", g.name);
        for (int j : g.children) md_command(s, tree, tree.commands[static_cast<size_t>(j)], 4);
    }
    return s;
}

// ------------------------------------------------------------------------------------------------ man

namespace {

// roff text: backslashes and hyphens escaped, non-ASCII as \[uXXXX], a leading dot or quote neutralised,
// one line.
std::string roff(std::string_view text) {
    std::string out;
    for (size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        const auto u = static_cast<unsigned char>(c);
        if (u >= 0x80) {
            const int len = u >= 0xF0 ? 4 : u >= 0xE0 ? 3 : u >= 0xC0 ? 2 : 1;
            unsigned cp = len == 1 ? 0xFFFD : u & (0x7F >> len);
            for (int k = 1; k < len && i + 1 < text.size(); ++k) cp = (cp << 6) | (static_cast<unsigned char>(text[++i]) & 0x3F);
            out += fmt::format("\\[u{:04X}]", cp);
        } else if (c == '\\') out += "\\e";
        else if (c == '\n') out += ' ';
        else if (c == '-') out += "\\-";
        else out += c;
    }
    if (!out.empty() && (out.front() == '.' || out.front() == '\'')) out.insert(0, "\\&");
    return out;
}

void man_options(std::string& s, const std::vector<TreeOption>& options) {
    for (const auto& o : options) {
        if (o.names.back() == "--help") continue;
        s += ".TP\n";
        std::string label;
        for (const auto& n : o.names) label += (label.empty() ? "" : ", ") + std::string("\\fB") + roff(n) + "\\fR";
        const auto value = o.kind == ValueKind::list ? [&] {
            std::string v;
            for (const auto& x : o.values) v += (v.empty() ? "" : "|") + x;
            return v;
        }()
                                                     : o.type_name;
        // "\:" lets troff break a long value list (batch --op lists every operation) after any '|'.
        auto shown = roff(value);
        for (auto pos = shown.find('|'); pos != std::string::npos; pos = shown.find('|', pos + 3)) shown.insert(pos + 1, "\\:");
        if (!value.empty()) label += " \\fI" + shown + "\\fR";
        s += label + "\n" + roff(o.desc) + (o.required ? " (required)" : "") + "\n";
    }
}

void man_command(std::string& s, const CommandTree& tree, const TreeCommand& c) {
    if (c.children.empty() || c.spec) {
        s += fmt::format(".SS \"{}\"\n", roff(synopsis(c)));
        s += roff(c.spec ? std::string(c.spec->title()) : c.desc) + "\n";
        if (c.spec) {
            s += fmt::format(".br\n\\fB{}\\fR {}\n", c.spec->method(), roff(c.spec->path()));
            if (c.spec->is_multipart()) s += ".br\nUpload: \\-\\-file PATH.\n";
            else if (c.spec->takes_body() && !c.spec->body().empty()) {
                s += ".br\nBody fields (\\-\\-body, \\-\\-set):";
                for (size_t i = 0; i < c.spec->body().size(); ++i)
                    s += (i ? ", " : " ") + roff(c.spec->body()[i].name()) + (c.spec->body()[i].required() == Required::yes ? "*" : "");
                s += "\n";
            }
        }
        for (const auto& p : c.positionals) s += fmt::format(".TP\n\\fI{}\\fR\n{}\n", roff(p.name), roff(p.desc));
        man_options(s, c.options);
    }
    for (int i : c.children) man_command(s, tree, tree.commands[static_cast<size_t>(i)]);
}

}  // namespace

std::string man_reference(const CommandTree& tree, const std::string& version) {
    const auto& root = tree.root();
    std::string s;
    s += ".\\\" Generated by `ccai-cli reference --format man` from the command tree; do not edit.\n";
    s += fmt::format(".TH CCAI\\-CLI 1 \"\" \"ccai-cli {}\" \"User Commands\"\n", roff(version));
    s += ".ad l\n";  // ragged right: long value lists cannot be justified without warnings
    s += ".SH NAME\nccai\\-cli \\- the Kore.ai Contact Center AI API from your shell\n";
    s += ".SH SYNOPSIS\n.B ccai\\-cli\n[\\fIglobal options\\fR] \\fIgroup\\fR \\fIaction\\fR [\\fIoptions\\fR]\n";
    s += ".SH DESCRIPTION\n" + roff(root.desc) + ".\n.PP\n"
         "Operations are grouped as in the endpoint catalog; each action's flags are its path and query parameters, "
         "and a JSON body comes from \\-\\-body (JSON, @file or @\\- for stdin) and \\-\\-set path=value. "
         "Results are printed as JSON, JSON Lines or a table (\\-o).\n";
    s += ".SH GLOBAL OPTIONS\nValid before or after the subcommand.\n";
    man_options(s, root.options);
    s += ".SH COMMANDS\n" + roff(operation_summary()) + "\n";
    for (int i : root.children) man_command(s, tree, tree.commands[static_cast<size_t>(i)]);
    s += ".SH EXIT STATUS\n";
    for (const auto& e : exit_code_docs()) s += fmt::format(".TP\n.B {}\n{}\n", e.code, roff(e.meaning));
    s += ".PP\nErrors go to stderr: a message and a hint when stderr is a terminal, else one JSON object a line; --error-format text|json (or CCAI_ERROR_FORMAT, or error_format in the profile) chooses.\n";
    s += ".SH ENVIRONMENT\n";
    for (const auto& spec : setting_specs()) {
        if (spec.env.empty()) continue;
        s += fmt::format(".TP\n.B {}\n{}\n", roff(spec.env), roff(spec.desc));
    }
    s += ".SH FILES\n.TP\n.I ~/.config/ccai/config.toml\nprofiles ([name] tables of settings); $XDG_CONFIG_HOME/ccai when set\n"
         ".TP\n.I ~/.config/ccai/credentials\nsecrets by profile; must not be readable by group or others\n";
    s += ".SH SEE ALSO\nThe command reference, docs/commands.md, lists every operation with its body fields.\n";
    return s;
}

}  // namespace ccai::cli
