#pragma once
// Text helpers shared by the bash, zsh and fish completion writers (completion_{bash,zsh,fish}.cpp).
#include <string>
#include <string_view>
#include <vector>

#include <fmt/format.h>

#include "completion/completion_model.hpp"

namespace ccai::cli::detail {

// 'text' for bash and zsh.
inline std::string sq(std::string_view s) {
    std::string out = "'";
    for (char c : s) {
        if (c == '\'') out += "'\\''";
        else out += c;
    }
    return out + "'";
}

// 'text' for fish (backslash and quote are escaped inside single quotes).
inline std::string fish_sq(std::string_view s) {
    std::string out = "'";
    for (char c : s) {
        if (c == '\'' || c == '\\') out += '\\';
        out += c;
    }
    return out + "'";
}

// One short line: the first line of a description, at most 90 characters.
inline std::string short_desc(std::string_view d) {
    std::string s(d.substr(0, d.find('\n')));
    for (auto& c : s)
        if (c == '\t') c = ' ';
    if (s.size() > 90) s = s.substr(0, 87) + "...";
    return s;
}

inline std::string join(const std::vector<std::string>& v, std::string_view sep = " ") {
    std::string out;
    for (const auto& s : v) {
        if (!out.empty()) out += sep;
        out += s;
    }
    return out;
}

inline const char* kind_name(ValueKind k) {
    switch (k) {
        case ValueKind::none: return "";
        case ValueKind::any: return "any";
        case ValueKind::list: return "list";
        case ValueKind::files: return "files";
        case ValueKind::body: return "body";
        case ValueKind::profiles: return "profiles";
        case ValueKind::set_path: return "set";
    }
    return "";
}

inline std::vector<TreeOption> own_options(const CommandTree& tree, int index) { return tree.local_options(index); }

// The allowed values of a command's positional arguments (space-separated), or "" when free.
inline std::string positional_values(const TreeCommand& c) {
    std::vector<std::string> out;
    for (const auto& p : c.positionals) out.insert(out.end(), p.values.begin(), p.values.end());
    return join(out);
}

inline std::vector<std::string> names_of(const std::vector<TreeOption>& options) {
    std::vector<std::string> out;
    for (const auto& o : options) out.insert(out.end(), o.names.begin(), o.names.end());
    return out;
}

inline std::vector<std::string> child_names(const CommandTree& tree, const TreeCommand& c) {
    std::vector<std::string> out;
    for (int i : c.children) out.push_back(tree.commands[static_cast<size_t>(i)].name);
    return out;
}

// The case arm pattern matching every name of an option: '-o'|'--output'.
inline std::string names_pattern(const TreeOption& o, std::string_view prefix = "", std::string_view sep = "|") {
    std::vector<std::string> q;
    for (const auto& n : o.names) q.push_back(sq(std::string(prefix) + n));
    return join(q, sep);
}

}  // namespace ccai::cli::detail
