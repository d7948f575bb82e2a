#include "commands/operation_examples.hpp"

#include <algorithm>
#include <cctype>

#include <fmt/format.h>

#include "ccai/config.hpp"
#include "ccai/request_builder.hpp"
#include "missing_settings.hpp"

namespace ccai::cli {

namespace {

bool contains(std::string_view text, std::string_view part) {
    std::string lower(text);
    std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return std::tolower(c); });
    return lower.find(part) != std::string::npos;
}

// "startDate", "date": the name's last word is `word` (not "updatedBy", which only holds "date").
bool ends_with_word(std::string_view name, std::string_view word) {
    std::string lower(name);
    std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return std::tolower(c); });
    if (!lower.ends_with(word)) return false;
    const auto at = name.size() - word.size();
    return at == 0 || std::isupper(static_cast<unsigned char>(name[at])) || name[at - 1] == '_';
}

// "skillGroupId" -> "SKILL_GROUP_ID": a placeholder anyone reads as "put yours here".
std::string placeholder(std::string_view name) {
    std::string out;
    for (const char ch : name) {
        const auto c = static_cast<unsigned char>(ch);
        if (std::isupper(c) && !out.empty() && out.back() != '_') out += '_';
        out += std::isalnum(c) ? static_cast<char>(std::toupper(c)) : '_';
    }
    return out;
}

// A value of the field's type that reads like a real one; the last segment of a dotted name decides.
std::string example_value(std::string_view path, std::string_view type, TextList enums, std::string_view default_value) {
    if (!enums.empty()) return std::string(enums.front());
    if (!default_value.empty()) return std::string(default_value);
    auto name = path.substr(path.find_last_of(".]") == std::string_view::npos ? 0 : path.find_last_of(".]") + 1);
    if (type == "boolean") return "true";
    if (type == "integer" || type == "number") {
        if (contains(name, "offset") || contains(name, "skip")) return "0";
        if (contains(name, "page")) return "1";
        if (contains(name, "limit") || contains(name, "size")) return "50";
        if (ends_with_word(name, "time") || ends_with_word(name, "timestamp")) return "1767225600000";
        return "1";
    }
    if (type == "datetime" || ends_with_word(name, "datetime") || contains(name, "timestamp")) return "2026-01-01T09:00:00Z";
    if (type == "date" || ends_with_word(name, "date")) return "2026-01-01";
    if (contains(name, "email")) return "ada@example.com";
    if (contains(name, "phone")) return "+14155550100";
    if (name == "firstName") return "Ada";
    if (name == "lastName") return "Lovelace";
    return placeholder(name);
}

// Quoted for any POSIX shell, and for zsh, which would glob `days[]`, only when needed.
std::string shell_word(const std::string& w) {
    const bool plain = !w.empty() && std::all_of(w.begin(), w.end(), [](unsigned char c) {
        return std::isalnum(c) || std::string_view("_@%+=:,./-").find(static_cast<char>(c)) != std::string_view::npos;
    });
    if (plain) return w;
    std::string out = "'";
    for (const char c : w) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
    return out + "'";
}

bool is_account_wide(std::string_view name) { return !profile_key_for(name).empty(); }

const FieldSpec* field_named(const EndpointSpec& spec, std::string_view name) {
    for (const auto& f : spec.body())
        if (f.name() == name) return &f;
    return nullptr;
}

// Required, and so is every field the catalog lists above it: what the smallest body holds.
bool needed_in_body(const EndpointSpec& spec, const FieldSpec& f) {
    if (f.required() != Required::yes) return false;
    const std::string_view name = f.name();
    for (std::size_t at = name.find_first_of(".["); at != std::string_view::npos; at = name.find_first_of(".[", at + 1))
        if (const auto* parent = field_named(spec, name.substr(0, at)); parent && parent->required() != Required::yes)
            return false;
    return true;
}

bool is_container(const EndpointSpec& spec, const FieldSpec& f) {
    const std::string prefix_dot = std::string(f.name()) + ".", prefix_list = std::string(f.name()) + "[";
    return std::any_of(spec.body().begin(), spec.body().end(), [&](const FieldSpec& g) {
        return g.name().starts_with(prefix_dot) || g.name().starts_with(prefix_list);
    });
}

// The fields of the smallest body, as --set / --set-json words; nullopt when it takes more than a few (then
// a file is the realistic way).
std::optional<std::vector<std::string>> body_words(const EndpointSpec& spec) {
    std::vector<std::string> words;
    const auto add = [&](const FieldSpec& f) {
        if (is_container(spec, f) || !body_field_filled_from(spec, f).empty()) return true;
        const std::string name(f.name());
        if (name.find('[') != std::string::npos) return false;  // elements of a list: a file reads better
        if (f.type().starts_with("array[")) {
            const auto item = f.type().substr(6, f.type().size() - 7);
            words.push_back("--set-json");
            words.push_back(shell_word(fmt::format("{}=[{}]", name,
                item == "string" ? fmt::format("\"{}\"", placeholder(name)) : item == "object" ? "{}" : "1")));
            return true;
        }
        if (f.type() == "object" || f.type() == "array") {
            words.push_back("--set-json");
            words.push_back(shell_word(name + (f.type() == "object" ? "={}" : "=[]")));
            return true;
        }
        words.push_back("--set");
        words.push_back(shell_word(fmt::format("{}={}", name, example_value(name, f.type(), f.enums(), ""))));
        return true;
    };
    for (const auto& f : spec.body())
        if (needed_in_body(spec, f) && !add(f)) return std::nullopt;
    for (const auto& g : spec.one_of())
        if (g.where() == "body" && !g.names().empty())
            if (const auto* f = field_named(spec, g.names().front()); f && (is_container(spec, *f) || !add(*f)))
                return std::nullopt;  // an object of fields of its own: a file reads better
    if (words.size() > 8) return std::nullopt;
    return words;
}

}  // namespace

std::vector<std::string> operation_examples(const EndpointSpec& spec) {
    std::string line = fmt::format("ccai-cli {} {}", spec.group(), spec.action());
    const auto flag = [&](const ParamSpec& p) {
        line += fmt::format(" --{} {}", kebab_case(p.name()), shell_word(example_value(p.name(), p.type(), p.enums(), p.default_value())));
    };
    for (const auto& p : spec.path_params())
        if (!is_account_wide(p.name())) flag(p);
    for (const auto& p : spec.query_params())
        if (!is_account_wide(p.name()) && p.required() == Required::yes) flag(p);
    for (const auto& g : spec.one_of())
        if (g.where() == "query" && !g.names().empty())
            for (const auto& p : spec.query_params())
                if (p.name() == g.names().front()) flag(p);
    if (spec.is_multipart()) line += fmt::format(" --file {}.csv", spec.group());
    std::vector<std::string> out;
    if (spec.takes_body()) {
        const auto words = spec.body_is_array() ? std::nullopt : body_words(spec);
        if (words && !words->empty()) {
            std::string with_sets = line;
            for (const auto& w : *words) with_sets += " " + w;
            out.push_back(with_sets);
        } else {
            out.push_back(fmt::format("{} --body @{}.json", line, spec.action()));
        }
    } else {
        out.push_back(line);
    }
    if (spec.pagination()) out.push_back(out.front() + " --all --max-items 500 > items.jsonl");
    return out;
}

std::vector<std::string> operation_environment(const EndpointSpec& spec) {
    std::vector<std::string> out;
    auto keys = settings_needed(spec, CallArgs{});
    for (const auto* k : {"account_id", "client_id", "client_secret", "token", "rate_limit", "pacer", "output"}) keys.emplace_back(k);
    for (const auto& s : setting_specs())
        if (std::find(keys.begin(), keys.end(), s.key) != keys.end() && !s.env.empty()) out.emplace_back(s.env);
    out.emplace_back("CCAI_PROFILE");
    out.emplace_back("CCAI_ERROR_FORMAT");
    return out;
}

}  // namespace ccai::cli
