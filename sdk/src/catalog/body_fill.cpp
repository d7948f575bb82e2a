// Body fields build_request fills (body_fill.hpp): the action's constants, path parameters the body repeats,
// and account-wide values from the settings.
#include "catalog/body_fill.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "ccai/body_fields.hpp"
#include "ccai/request_builder.hpp"

namespace ccai::detail {

namespace {

bool top_level(std::string_view name) { return name.find_first_of(".[") == std::string_view::npos; }

// Where a value for the field comes from, and how a message names that place.
struct Source {
    std::string value;
    std::string named;
};

Source source_for(const EndpointSpec& spec, std::string_view name, const CallArgs& args, const Config& config) {
    const auto params = spec.path_params();
    const bool in_path = std::any_of(params.begin(), params.end(), [&](const ParamSpec& p) { return p.name() == name; });
    if (in_path)
        if (const auto it = args.params.find(name); it != args.params.end()) return {it->second, "--" + kebab_case(name)};
    const auto key = profile_key_for(name);
    if (key.empty() || !config.has(key)) return {};
    const auto it = config.all().find(key);
    const std::string origin = it == config.all().end() ? "" : it->second.origin;
    if (origin == "flag") return {config.get(key), "--" + kebab_case(key)};
    return {config.get(key), origin.empty() ? std::string(key) : fmt::format("{} ({})", key, origin)};
}

}  // namespace

std::string shown_value(std::string_view v) {
    if (std::any_of(v.begin(), v.end(), [](unsigned char c) { return c < 0x20 || c == 0x7f; })) return "(value not shown)";
    return v.size() > 64 ? fmt::format("'{}...'", v.substr(0, 64)) : fmt::format("'{}'", v);
}

void fill_action_constants(const EndpointSpec& spec, nlohmann::json& body) {
    if (!body.is_object()) return;
    for (const auto& f : spec.body()) {
        if (f.required() != Required::yes || f.type() != "string" || f.enums().size() != 1) continue;
        if (!top_level(f.name()) || body.contains(std::string(f.name()))) continue;
        body[std::string(f.name())] = std::string(f.enums().front());
    }
}

Result<Unit> fill_body_values(const EndpointSpec& spec, const CallArgs& args, const Config& config, nlohmann::json& body) {
    if (!body.is_object()) return Unit{};
    for (const auto& f : spec.body()) {
        if (f.required() != Required::yes || !top_level(f.name()) || !(f.type().empty() || is_text_type(f.type()))) continue;
        const auto from = source_for(spec, f.name(), args, config);
        if (from.value.empty()) continue;
        const std::string name(f.name());
        const auto it = body.find(name);
        if (it == body.end()) {
            body[name] = from.value;
            continue;
        }
        // A value of another type is check_body's to refuse; an explicit null is the caller's choice.
        if (it->is_string() && it->get_ref<const std::string&>() != from.value)
            return invalid_input(fmt::format("{}: body field '{}' is {} but {} is {}: give the value once", spec.id(), name,
                                             shown_value(it->get_ref<const std::string&>()), from.named, shown_value(from.value)));
    }
    return Unit{};
}

}  // namespace ccai::detail
