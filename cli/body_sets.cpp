#include "body_sets.hpp"

#include <fmt/format.h>

#include "ccai/body_fields.hpp"
#include "ccai/body_path.hpp"
#include "ccai/limits.hpp"

namespace ccai::cli {

namespace {

using nlohmann::json;

std::string flag_of(const BodyAssignment& a) { return a.json ? "--set-json" : "--set"; }

// The start of what the user typed, for a message: whole values may be long, and a value is theirs anyway.
std::string shown(std::string_view text) { return quoted_excerpt(text, 64); }

// nlohmann's parse error without the "last read" echo of the value: where, and what was expected there.
std::string parse_problem(const json::parse_error& e) {
    std::string text = e.what();
    if (const auto tag = text.find("] "); text.starts_with("[json.exception") && tag != std::string::npos) text.erase(0, tag + 2);
    if (const auto echo = text.find("; last read: "); echo != std::string::npos) {
        const auto next = text.find("; expected", echo + 1);
        text.erase(echo, next == std::string::npos ? std::string::npos : next - echo);
    }
    return text;
}

Result<json> json_value(const BodyAssignment& a, std::string_view path, std::string_view raw) {
    if (raw.empty())
        return invalid_input(fmt::format("--set-json {}: expected JSON after '=' (an object, a list, a string in quotes, "
                                         "a number, true, false or null), got nothing", path));
    if (json_depth_exceeded_at(raw))
        return invalid_input(fmt::format("{} {}: {}", flag_of(a), path, json_too_deep_text()));
    try {
        return json::parse(raw);
    } catch (const json::parse_error& e) {
        return invalid_input(fmt::format("--set-json {}: invalid JSON: {}", path, parse_problem(e)));
    } catch (const json::exception& e) {  // a number too large for a double, "1e999"
        return invalid_input(fmt::format("--set-json {}: invalid JSON: {}", path, e.what()));
    }
}

// --set: the text as the catalog types the field at `steps`.
Result<json> typed_value(const EndpointSpec& spec, std::string_view path, std::span<const BodyPathStep> steps,
                         std::string_view raw) {
    const auto name = body_path_catalog_name(steps);
    const std::string type(body_field_type(spec, name).value_or(""));
    if (is_text_type(type)) return json(std::string(raw));
    if (type == "object")
        return invalid_input(fmt::format("--set {}: body field '{}' is an object: give it with --set-json {}=JSON, or set "
                                         "its fields with {}.FIELD=VALUE", path, name, path, path));
    if (type.starts_with("array"))
        return invalid_input(fmt::format("--set {}: body field '{}' is a list ({}): give it with --set-json {}=JSON, or add "
                                         "elements with {}[]=VALUE or {}[].FIELD=VALUE", path, name, type, path, path, path));
    if (is_json_type(type)) {
        if (auto v = json_of_type(type, raw)) return std::move(*v);
        const auto wanted = type == "integer" ? "a whole number" : type == "number" ? "a number" : "true or false";
        return invalid_input(fmt::format("--set {}: body field '{}' takes {}, not {}", path, name, wanted, shown(raw)));
    }
    // Not typed by the catalog: JSON when the text is JSON ("3", "true", "[1,2]"), else the text.
    if (json_depth_exceeded_at(raw))
        return invalid_input(fmt::format("--set {}: {}", path, json_too_deep_text()));
    auto v = parse_json_bounded(raw);
    return v.is_discarded() ? json(std::string(raw)) : v;
}

// `later` replaces what `earlier` set: the same place, a place inside it, or a place holding it.
bool overlaps(const json::json_pointer& later, const json::json_pointer& earlier) {
    const auto a = later.to_string(), b = earlier.to_string();
    return a == b || a.starts_with(b + "/") || b.starts_with(a + "/");
}

}  // namespace

Result<json> apply_assignments(const EndpointSpec& spec, json body, const std::vector<BodyAssignment>& sets, bool allow_unknown) {
    if (sets.empty()) return body;
    if (body.is_null()) body = json::object();
    if (!body.is_object()) return invalid_input("--set and --set-json need a JSON object body");
    std::vector<std::pair<json::json_pointer, const BodyAssignment*>> done;
    for (const auto& a : sets) {
        const auto eq = body_assignment_split(a.text);
        if (eq == std::string::npos || eq == 0)
            return invalid_input(fmt::format("{} {}: expected PATH={}", flag_of(a), shown(a.text), a.json ? "JSON" : "VALUE"));
        const std::string_view path = std::string_view(a.text).substr(0, eq);
        const std::string_view raw = std::string_view(a.text).substr(eq + 1);
        auto steps = parse_body_path(path);
        if (!steps) return invalid_input(fmt::format("{}: {}", flag_of(a), steps.error().message));
        if (!allow_unknown)
            if (auto known = check_body_path_known(spec, *steps, path); !known) return known.error();
        auto value = a.json ? json_value(a, path, raw) : typed_value(spec, path, *steps, raw);
        if (!value) return value.error();
        auto set = set_body_path(body, *steps, path, std::move(*value));
        if (!set) return invalid_input(fmt::format("{}: {}", flag_of(a), set.error().message));
        for (const auto& [where, by] : done)
            if (set->replaced && overlaps(set->where, where))
                return invalid_input(fmt::format("{} {}: replaces what {} {} set: give each field once", flag_of(a),
                                                 shown(a.text), flag_of(*by), shown(by->text)));
        done.emplace_back(set->where, &a);
    }
    return body;
}

}  // namespace ccai::cli
