#include "guards/validate.hpp"

#include <algorithm>
#include <cctype>

#include "ccai/request_builder.hpp"

namespace ccai::mock {

namespace {

bool has_variant(const std::vector<const EndpointSpec*>& specs, std::string_view id) {
    return std::any_of(specs.begin(), specs.end(), [&](const EndpointSpec* s) { return s->id() == id; });
}


}  // namespace

const EndpointSpec* choose_variant(const std::vector<const EndpointSpec*>& specs, const json& body) {
    if (specs.size() == 1) return specs.front();
    const auto pick = [&](std::string_view id) {
        for (const auto* s : specs)
            if (s->id() == id) return s;
        return specs.front();
    };
    const json b = body.is_object() ? body : json::object();
    // v1 and v2 name the same variants differently: "sms-campaigns.create-simple", "campaigns-v2.create-sms-simple".
    const bool v2 = has_variant(specs, "campaigns-v2.create-sms-simple") || has_variant(specs, "campaigns-v2.create-voice-agentless");
    const auto sms = [&](std::string_view v) { return pick(std::string(v2 ? "campaigns-v2.create-sms-" : "sms-campaigns.create-") + std::string(v)); };
    const auto voice = [&](std::string_view v) { return pick(std::string(v2 ? "campaigns-v2.create-voice-" : "voice-campaigns.create-") + std::string(v)); };
    if (has_variant(specs, "sms-campaigns.create-simple") || has_variant(specs, "campaigns-v2.create-sms-simple")) {
        const auto format = lower(text_of(b, "format"));
        if (format == "advanced" || b.contains("experienceFlowName")) return sms("advanced");
        const bool templ = b.contains("message") && b["message"].is_object() && b["message"].contains("template_name");
        if (format == "template" || templ) return sms("template");
        return sms("simple");
    }
    if (has_variant(specs, "voice-campaigns.create-agentless") || has_variant(specs, "campaigns-v2.create-voice-agentless")) {
        const auto mode = lower(text_of(b, "dialingMode"));
        if (mode == "preview") return voice("preview");
        if (mode == "progressive") return voice("progressive");
        if (mode == "agentless") return voice("agentless");
        if (b.contains("experienceFlowName")) return voice("agentless");
        if (b.contains("maxSkips")) return voice("preview");
        return voice("progressive");
    }
    return specs.front();
}

std::optional<std::string> validate_call(const Call& c) {
    const auto& spec = *c.spec;
    const auto given = [&](std::string_view name) {
        const auto it = c.query.find(std::string(name));
        return it != c.query.end() && !it->second.empty();
    };
    for (const auto& q : spec.query_params())
        if (q.required() == Required::yes && !given(q.name()))
            return std::string(spec.id()) + ": missing required query parameter '" + std::string(q.name()) + "'";
    if (auto ok = check_one_of(spec, "query", given); !ok) return ok.error().message;
    if (spec.is_multipart()) {
        if (c.upload.empty()) return std::string(spec.id()) + ": a file upload (multipart form field) is required";
        return std::nullopt;
    }
    if (!spec.takes_body()) return std::nullopt;
    const json body = c.body.is_null() ? (spec.body_is_array() ? json::array() : json::object()) : c.body;
    // The SDK's own check: required fields (nested ones too), types, enums and one-of groups.
    if (auto ok = check_body(spec, body); !ok) return ok.error().message;
    if (spec.body_is_array() && body.empty()) return std::string(spec.id()) + ": the body array is empty";
    return std::nullopt;
}

}  // namespace ccai::mock
