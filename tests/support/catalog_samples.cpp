#include "support/catalog_samples.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "ccai/request_builder.hpp"

namespace ccai::test {

namespace {

nlohmann::json value_for(const FieldSpec& f) {
    const std::string t(f.type());
    if (!f.enums().empty()) return t.starts_with("array") ? nlohmann::json::array({std::string(f.enums().front())})
                                                        : nlohmann::json(std::string(f.enums().front()));
    if (t == "boolean") return true;
    if (t == "integer" || t == "number") return 1;
    if (t == "object") return nlohmann::json::object();
    if (t == "array[string]") return nlohmann::json::array({"x1"});
    if (t.starts_with("array")) return nlohmann::json::array();
    return "x1";
}

bool listed(const EndpointSpec& spec, std::string_view name) {
    if (name.ends_with("[]")) name.remove_suffix(2);
    for (const auto& f : spec.body())
        if (f.name() == name) return true;
    return false;
}

// Walks "a.b[].c" into `root`, creating objects and one-element arrays. False when a parent is absent that
// the catalog lists (an optional one: its required children are only required when it is sent) or that is
// top-level and unlisted; an unlisted inner parent is created (the required field inside implies it).
bool place(const EndpointSpec& spec, nlohmann::json& root, std::string_view full, const nlohmann::json& value) {
    nlohmann::json* node = &root;
    std::string_view path = full;
    while (true) {
        const auto dot = path.find('.');
        std::string seg(path.substr(0, dot));
        const bool is_array = seg.ends_with("[]");
        if (is_array) seg.resize(seg.size() - 2);
        if (dot == std::string_view::npos) {
            if (is_array) return false;
            (*node)[seg] = value;
            return true;
        }
        if (!node->contains(seg)) {
            const auto prefix = full.substr(0, full.size() - path.size() + dot);
            if (node == &root || listed(spec, prefix)) return false;
            (*node)[seg] = is_array ? nlohmann::json::array() : nlohmann::json::object();
        }
        node = &(*node)[seg];
        if (is_array) {
            if (!node->is_array()) return false;
            if (node->empty()) node->push_back(nlohmann::json::object());
            node = &(*node)[0];
        }
        if (!node->is_object()) return false;
        path.remove_prefix(dot + 1);
    }
}

}  // namespace

bool filled_by_sdk(const EndpointSpec& spec, std::string_view field) {
    const auto body = spec.body();
    return std::any_of(body.begin(), body.end(),
                       [&](const FieldSpec& f) { return f.name() == field && !body_field_filled_from(spec, f).empty(); });
}

std::string sample_value(const ParamSpec& p) {
    if (!p.enums().empty()) return std::string(p.enums().front());
    if (p.type() == "integer" || p.type() == "number") return "1";
    if (p.type() == "boolean") return "true";
    if (p.name().ends_with("TimeStamp")) return "2026-01-01T00:00:00Z";
    return fmt::format("v-{}", p.name());
}

nlohmann::json sample_body(const EndpointSpec& spec) {
    // For an array body the catalog's fields describe one item.
    nlohmann::json b = nlohmann::json::object();
    const auto required_fields = [&] {
        for (const auto& f : spec.body()) {
            // Parents come before their children in the catalog, so children land inside them; a child
            // of an absent (optional) parent is skipped.
            if (f.required() == Required::yes && !b.contains(std::string(f.name())) && !filled_by_sdk(spec, f.name()))
                place(spec, b, f.name(), value_for(f));
        }
    };
    required_fields();
    // A "one of" group: its first member (the others stay out, so an exactly-one group is satisfied), then
    // the required fields inside it.
    for (const auto& group : spec.one_of()) {
        if (group.where() != "body") continue;
        for (const auto& f : spec.body())
            if (f.name() == group.names().front()) place(spec, b, f.name(), value_for(f));
    }
    required_fields();
    return spec.body_is_array() ? nlohmann::json::array({b}) : b;
}

std::map<std::string, std::string> sample_params(const EndpointSpec& spec, bool optional_query) {
    std::map<std::string, std::string> out;
    for (const auto& p : spec.path_params())
        if (profile_key_for(p.name()).empty()) out[std::string(p.name())] = sample_value(p);
    for (const auto& p : spec.query_params())
        if (profile_key_for(p.name()).empty() && (optional_query || p.required() == Required::yes))
            out[std::string(p.name())] = sample_value(p);
    for (const auto& group : spec.one_of()) {
        if (group.where() != "query") continue;
        for (const auto name : group.names()) out.erase(std::string(name));
        for (const auto& p : spec.query_params())
            if (p.name() == group.names().front()) out[std::string(p.name())] = sample_value(p);
    }
    return out;
}

Config sample_profile() {
    Config c;
    c.set("host", "https://cc.example.com", "test");
    c.set("account_id", "acc-1", "test");
    c.set("bot_id", "st-9", "test");
    c.set("org_id", "o-7", "test");
    return c;
}

}  // namespace ccai::test
