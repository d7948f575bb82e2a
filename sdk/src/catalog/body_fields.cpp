// What the catalog describes of a body (body_fields.hpp): types by path, unknown fields, did-you-mean.
#include "ccai/body_fields.hpp"

#include <algorithm>
#include <unordered_set>

#include <fmt/format.h>

#include "ccai/limits.hpp"
#include "util/edit_distance.hpp"

namespace ccai {

namespace {

using nlohmann::json;

const FieldSpec* listed(const EndpointSpec& spec, std::string_view name) {
    const auto body = spec.body();
    const auto it = std::find_if(body.begin(), body.end(), [&](const FieldSpec& f) { return f.name() == name; });
    return it == body.end() ? nullptr : &*it;
}

// The listed names directly below `parent` ("" is the body itself): "agents[].userId" is below "agents"
// (through "[]") and below "agents[]". Each is the rest of the name after `parent`.
std::vector<std::string_view> below(const EndpointSpec& spec, std::string_view parent) {
    std::vector<std::string_view> out;
    for (const auto& f : spec.body()) {
        const auto name = f.name();
        if (parent.empty()) out.push_back(name);
        else if (name.size() > parent.size() && name.starts_with(parent) && (name[parent.size()] == '.' || name[parent.size()] == '['))
            out.push_back(name.substr(parent.size()));
    }
    return out;
}

// Described: listed, or the parent of listed fields. A name that is not, inside a parent whose fields the
// catalog lists, is unknown; inside a listed field with nothing listed below it, the inside is free.
enum class Status { described, free, unknown };

Status status_of(const EndpointSpec& spec, std::string_view parent, std::string_view name) {
    if (listed(spec, name) || !below(spec, name).empty()) return Status::described;
    return below(spec, parent).empty() ? Status::free : Status::unknown;
}

// The field names directly inside `parent`, for "did you mean".
std::vector<std::string> keys_inside(const EndpointSpec& spec, std::string_view parent) {
    std::vector<std::string> out;
    for (auto rest : below(spec, parent)) {
        if (!parent.empty()) {
            if (!rest.starts_with('.')) continue;  // "[]...": an element, not a field
            rest.remove_prefix(1);
        }
        const auto key = std::string(rest.substr(0, rest.find_first_of(".[")));
        if (std::find(out.begin(), out.end(), key) == out.end()) out.push_back(key);
    }
    return out;
}

std::string operation_words(const EndpointSpec& spec) { return fmt::format("{} {}", spec.group(), spec.action()); }

// The names found, in order, each once (a body may hold a million distinct keys: no linear search).
struct Found {
    std::vector<std::string> names;
    std::unordered_set<std::string> seen;
};

void collect_unknown(const EndpointSpec& spec, const json& node, const std::string& name, Found& out) {
    const auto visit = [&](const std::string& inner, const json& value) {
        switch (status_of(spec, name, inner)) {
            case Status::described: collect_unknown(spec, value, inner, out); break;
            case Status::unknown:
                if (out.seen.insert(inner).second) out.names.push_back(inner);
                break;
            case Status::free: break;
        }
    };
    // Recursion follows the body's nesting, which parsing held to kMaxJsonDepth (limits.hpp).
    if (node.is_object())
        for (const auto& [key, value] : node.items()) visit(name.empty() ? key : name + "." + key, value);
    else if (node.is_array() && !name.empty())
        for (const auto& item : node) visit(name + "[]", item);
}

}  // namespace

bool is_text_type(std::string_view type) { return type.starts_with("string") || type == "date" || type == "datetime"; }

bool is_json_type(std::string_view type) {
    return type == "integer" || type == "number" || type == "boolean" || type == "object" || type.starts_with("array");
}

std::optional<std::string_view> body_field_type(const EndpointSpec& spec, std::string_view name) {
    if (const auto* f = listed(spec, name)) return f->type();
    if (!name.ends_with("[]")) return std::nullopt;
    const auto* list = listed(spec, name.substr(0, name.size() - 2));
    if (!list || !list->type().starts_with("array[") || !list->type().ends_with("]")) return std::nullopt;
    return list->type().substr(6, list->type().size() - 7);
}

Result<Unit> check_body_path_known(const EndpointSpec& spec, std::span<const BodyPathStep> steps, std::string_view path) {
    if (spec.body().empty()) return Unit{};
    std::string parent;
    for (std::size_t i = 0; i < steps.size(); ++i) {
        const auto name = body_path_catalog_name(steps.first(i + 1));
        const auto status = status_of(spec, parent, name);
        if (status == Status::free) return Unit{};
        if (status == Status::unknown) {
            const auto named = path.substr(0, steps[i].end);
            auto message = fmt::format("unknown body field {} for {}", quoted_excerpt(named), operation_words(spec));
            const auto keys = keys_inside(spec, parent);
            if (steps[i].kind == BodyPathStep::Kind::key)
                if (const auto near = detail::closest_name(steps[i].key, keys); !near.empty()) {
                    const auto start = i == 0 ? 0 : steps[i - 1].end + 1;
                    return invalid_input(fmt::format("{}; did you mean '{}{}'?", message, path.substr(0, start), near));
                }
            return invalid_input(fmt::format("{} (its fields: ccai-cli {} --help; --allow-unknown-fields sends it as given)",
                                             message, operation_words(spec)));
        }
        parent = name;
    }
    return Unit{};
}

std::vector<std::string> unknown_body_fields(const EndpointSpec& spec, const json& body) {
    Found out;
    if (spec.body().empty()) return {};
    if (spec.body_is_array() && body.is_array())
        for (const auto& item : body) collect_unknown(spec, item, "", out);
    else collect_unknown(spec, body, "", out);
    return std::move(out.names);
}

std::optional<json> json_of_type(std::string_view type, std::string_view text) {
    if (is_text_type(type)) return json(std::string(text));
    if (!is_json_type(type)) return std::nullopt;
    auto v = parse_json_bounded(text);
    const bool fits = !v.is_discarded() &&
        (type == "integer" ? v.is_number_integer() : type == "number" ? v.is_number() : type == "boolean" ? v.is_boolean()
         : type == "object" ? v.is_object() : v.is_array());
    if (!fits) return std::nullopt;
    return v;
}

}  // namespace ccai
