// Checks a JSON body against the catalog's fields: required ones present, nested ones included, types,
// enums, and "one of" groups. The SDK runs it before sending; ccai-mock runs it on what it receives.
#include <fmt/format.h>

#include <algorithm>
#include <span>
#include <vector>

#include "ccai/request_builder.hpp"
#include "ccai/utf8.hpp"

namespace ccai {

namespace {

using nlohmann::json;

bool json_type_matches(std::string_view type, const json& v) {
    if (v.is_null()) return true;  // an explicit null clears a field on update; let the service judge it
    if (type == "string" || type == "date" || type == "datetime") return v.is_string();
    if (type == "boolean") return v.is_boolean();
    if (type == "integer") return v.is_number_integer();
    if (type == "number") return v.is_number();
    if (type == "object") return v.is_object();
    if (type.starts_with("array")) return v.is_array();
    return true;  // undocumented or free-form types
}

// "a.b[].c" -> {"a", "b[]", "c"}
std::vector<std::string_view> segments(std::string_view name) {
    std::vector<std::string_view> out;
    for (std::size_t i = 0; i <= name.size();) {
        const auto j = std::min(name.find('.', i), name.size());
        out.push_back(name.substr(i, j - i));
        i = j + 1;
    }
    return out;
}

std::string_view bare(std::string_view segment) {
    return segment.ends_with("[]") ? segment.substr(0, segment.size() - 2) : segment;
}

// The objects that hold the field's last segment: every element of every "[]" on the way. A parent that is
// absent, or not an object, holds nothing: its own row (when listed) says whether it may be absent.
void parents_of(const json& node, std::span<const std::string_view> path, std::vector<const json*>& out) {
    if (!node.is_object()) return;
    if (path.size() == 1) {
        out.push_back(&node);
        return;
    }
    const auto it = node.find(bare(path.front()));
    if (it == node.end()) return;
    if (path.front().ends_with("[]")) {
        if (!it->is_array()) return;
        for (const auto& el : *it) parents_of(el, path.subspan(1), out);
    } else {
        parents_of(*it, path.subspan(1), out);
    }
}

bool listed(const EndpointSpec& spec, std::string_view name) {
    return std::any_of(spec.body().begin(), spec.body().end(), [&](const FieldSpec& f) {
        return f.name() == name || (f.name().ends_with("[]") && f.name().substr(0, f.name().size() - 2) == name);
    });
}

// Whether the required field `name` (split in `path`) is missing below `node`, which holds path[i]. A listed
// parent that is absent answers for itself (its own row says whether it may be); an unlisted one is implied by
// the required field inside it once its own parent is present ("dialingStrategy.callerId.phoneNumber" needs
// callerId when dialingStrategy is sent). An unlisted top-level parent is optional.
bool required_missing(const EndpointSpec& spec, std::string_view name, const json& node,
                      std::span<const std::string_view> path, std::size_t i) {
    if (!node.is_object()) return false;  // a wrong type is the parent's row's business
    const auto it = node.find(bare(path[i]));
    if (i + 1 == path.size()) return it == node.end();
    if (it == node.end()) {
        const auto prefix = name.substr(0, static_cast<std::size_t>(path[i].data() + path[i].size() - name.data()));
        return i > 0 && !listed(spec, bare(prefix)) && !listed(spec, prefix);
    }
    if (!path[i].ends_with("[]")) return required_missing(spec, name, *it, path, i + 1);
    if (!it->is_array()) return false;
    return std::any_of(it->begin(), it->end(), [&](const json& el) { return required_missing(spec, name, el, path, i + 1); });
}

Result<Unit> check_object(const EndpointSpec& spec, const json& body, std::string_view where) {
    for (const auto& f : spec.body()) {
        const auto path = segments(f.name());
        const auto key = std::string(bare(path.back()));
        if (f.required() == Required::yes && required_missing(spec, f.name(), body, path, 0))
            return invalid_input(fmt::format("{}: {}the body lacks required field '{}' ({})", spec.id(), where, f.name(),
                                             f.desc()));
        std::vector<const json*> parents;
        parents_of(body, path, parents);
        for (const json* parent : parents) {
            const auto it = parent->find(key);
            if (it == parent->end()) continue;
            const auto type = path.back().ends_with("[]") ? std::string_view("array") : f.type();
            if (!json_type_matches(type, *it))
                return invalid_input(fmt::format("{}: {}body field '{}' must be of type {}, got {}", spec.id(), where,
                                                 f.name(), type, it->type_name()));
            const auto enums = f.enums();
            if (enums.empty()) continue;
            // A string, or each item of an array of them (filters.status, selectedFields, channels).
            const auto unknown = [&](const json& v) {
                const std::string text = v.is_string() ? v.get<std::string>() : v.dump();
                return std::find(enums.begin(), enums.end(), text) == enums.end();
            };
            const json* bad = nullptr;
            if (it->is_string() && unknown(*it)) bad = &*it;
            if (it->is_array())
                for (const auto& item : *it)
                    if (unknown(item)) {
                        bad = &item;
                        break;
                    }
            if (bad)
                return invalid_input(fmt::format("{}: {}body field '{}' must be one of: {} (got {})", spec.id(), where,
                                                 f.name(), fmt::join(enums, ", "), bad->dump()));
        }
    }
    return check_one_of(spec, "body", [&](std::string_view name) {
        std::vector<const json*> parents;
        const auto path = segments(name);
        parents_of(body, path, parents);
        return std::any_of(parents.begin(), parents.end(), [&](const json* p) {
            const auto it = p->find(bare(path.back()));
            return it != p->end() && !it->is_null();
        });
    }, where);
}

// Where `v` holds a name or a string that is not UTF-8, as a body path ("agents[0].name"), the path of the
// name itself when it is the name. JSON text must be UTF-8: such a body cannot be sent as typed.
std::optional<std::string> non_utf8_at(const json& v, const std::string& here) {
    if (v.is_string()) return invalid_utf8_at(v.get_ref<const std::string&>()) ? std::optional(here) : std::nullopt;
    if (v.is_array()) {
        for (std::size_t i = 0; i < v.size(); ++i)
            if (auto at = non_utf8_at(v[i], fmt::format("{}[{}]", here, i))) return at;
    } else if (v.is_object()) {
        for (const auto& [k, item] : v.items()) {
            const auto path = here.empty() ? k : here + "." + k;
            if (invalid_utf8_at(k)) return path;
            if (auto at = non_utf8_at(item, path)) return at;
        }
    }
    return std::nullopt;
}

}  // namespace

Result<Unit> check_utf8_body(std::string_view operation, const nlohmann::json& body) {
    const auto at = non_utf8_at(body, "");
    if (!at) return Unit{};
    // The name is shown as UTF-8 (a bad byte as U+FFFD): the message itself is JSON when piped.
    std::string shown;
    for (std::size_t i = 0; i < at->size();) {
        const auto n = utf8_sequence_length(std::string_view(*at).substr(i));
        shown += n ? at->substr(i, n) : std::string("\xEF\xBF\xBD");  // U+FFFD
        i += n ? n : 1;
    }
    return invalid_input(fmt::format("{}: body field '{}' is not UTF-8 text: save the input as UTF-8", operation,
                                     shown.empty() ? "(the body)" : shown));
}

Result<Unit> check_one_of(const EndpointSpec& spec, std::string_view where,
                          const std::function<bool(std::string_view)>& given, std::string_view context) {
    for (const auto& group : spec.one_of()) {
        if (group.where() != where) continue;
        // Query parameters by their bare names (ApiError::parameters), body fields quoted.
        const bool query = where == "query";
        std::vector<std::string> names, present;
        for (const auto name : group.names()) {
            names.push_back(query ? std::string(name) : fmt::format("'{}'", name));
            if (given(name)) present.push_back(names.back());
        }
        const auto place = query ? std::string_view("") : std::string_view(" in the body");
        const auto refused = [&](std::string message, const std::vector<std::string>& named) {
            auto e = invalid_input(std::move(message));
            if (query) e.parameters = named;
            return e;
        };
        if (present.empty())
            return refused(fmt::format("{}: {}give {} of {}{}", spec.id(), context,
                                       group.exactly() ? "exactly one" : "at least one", fmt::join(names, ", "), place),
                           names);
        if (group.exactly() && present.size() > 1)
            return refused(fmt::format("{}: {}{} exclude each other{}: give only one", spec.id(), context,
                                       fmt::join(present, " and "), place),
                           present);
    }
    return Unit{};
}

Result<Unit> check_body(const EndpointSpec& spec, const nlohmann::json& body) {
    if (auto ok = check_utf8_body(spec.id(), body); !ok) return ok;
    if (!spec.body_is_array()) {
        if (!body.is_object()) return invalid_input(fmt::format("{}: the body must be a JSON object", spec.id()));
        return check_object(spec, body, "");
    }
    // An array body: the catalog's fields describe one item.
    if (!body.is_array()) return invalid_input(fmt::format("{}: the body must be a JSON array", spec.id()));
    for (std::size_t i = 0; i < body.size(); ++i) {
        const auto where = fmt::format("item {}: ", i + 1);
        if (!body[i].is_object()) return invalid_input(fmt::format("{}: {}every body item must be a JSON object", spec.id(), where));
        if (auto ok = check_object(spec, body[i], where); !ok) return ok;
    }
    return Unit{};
}

}  // namespace ccai
