// Body fields build_request fills (body_fill.hpp): the action's constants, path parameters the body repeats,
// and account-wide values from the settings.
#include "catalog/body_fill.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "ccai/body_fields.hpp"
#include "ccai/request_builder.hpp"

namespace ccai::detail {

bool top_level(std::string_view name) { return name.find_first_of(".[") == std::string_view::npos; }

namespace {

// Where a value for the field comes from, and how a message names that place; `parameter`: the operation's
// parameter it came from, when it did.
struct Source {
    std::string value = {};
    std::string named = {};
    std::string parameter = {};
};

Source source_for(const FieldSpec& f, std::string_view from, const CallArgs& args, const Config& config) {
    const auto given = args.params.find(f.name());
    const std::string name(f.name());
    if (given != args.params.end()) return {given->second, "parameter " + name, name};  // given for this call
    if (from.starts_with("--")) return {};  // a path parameter, not given
    if (!config.has(from)) return {};
    const auto it = config.all().find(from);
    const std::string origin = it == config.all().end() ? "" : it->second.origin;
    if (origin == "flag") return {config.get(from), "--" + kebab_case(from)};
    return {config.get(from), origin.empty() ? std::string(from) : fmt::format("{} ({})", from, origin)};
}

}  // namespace

}  // namespace ccai::detail

namespace ccai {

std::string body_field_filled_from(const EndpointSpec& spec, const FieldSpec& f) {
    const auto name = f.name();
    if (f.required() != Required::yes || !detail::top_level(name) || !(f.type().empty() || is_text_type(f.type()))) return "";
    if (const auto key = profile_key_for(name); !key.empty()) return std::string(key);
    const auto params = spec.path_params();
    const bool in_path = std::any_of(params.begin(), params.end(), [&](const ParamSpec& p) { return p.name() == name; });
    return in_path ? "--" + kebab_case(name) : "";
}

}  // namespace ccai

namespace ccai::detail {

// A value holding a control byte is not repeated at all: it is most likely an attempt to inject a header
// line, which the message should not carry on.
std::string shown_value(std::string_view v) {
    if (std::any_of(v.begin(), v.end(), [](unsigned char c) { return c < 0x20 || c == 0x7f; })) return "(value not shown)";
    return quoted_excerpt(v, 64);
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
        const auto filled_from = body_field_filled_from(spec, f);
        if (filled_from.empty()) continue;
        const auto from = source_for(f, filled_from, args, config);
        if (from.value.empty()) continue;
        const std::string name(f.name());
        const auto it = body.find(name);
        if (it == body.end()) {
            body[name] = from.value;
            continue;
        }
        // A value of another type is check_body's to refuse; an explicit null is the caller's choice.
        if (it->is_string() && it->get_ref<const std::string&>() != from.value) {
            auto e = invalid_input(fmt::format("{}: body field '{}' is {} but {} is {}: give the value once", spec.id(), name,
                                               shown_value(it->get_ref<const std::string&>()), from.named, shown_value(from.value)));
            if (!from.parameter.empty()) e.parameters.push_back(from.parameter);
            return e;
        }
    }
    return Unit{};
}

}  // namespace ccai::detail
