#include "support/catalog_samples.hpp"

#include <fmt/format.h>

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

// Walks "a.b[].c" into `root`, creating objects and one-element arrays; false when a parent is absent
// (an optional parent: its required children are only required when it is sent).
bool place(nlohmann::json& root, std::string_view path, const nlohmann::json& value) {
    nlohmann::json* node = &root;
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
        if (!node->contains(seg)) return false;
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
    for (const auto& f : spec.body()) {
        if (f.required() != Required::yes) continue;
        // Parents come before their children in the catalog, so children land inside them; a child
        // of an absent (optional) parent is skipped.
        place(b, f.name(), value_for(f));
    }
    return spec.body_is_array() ? nlohmann::json::array({b}) : b;
}

}  // namespace ccai::test
