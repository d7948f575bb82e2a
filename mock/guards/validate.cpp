#include "guards/validate.hpp"

#include <algorithm>
#include <cctype>

#include "ccai/request_builder.hpp"

namespace ccai::mock {

namespace {

bool has_variant(const std::vector<const EndpointSpec*>& specs, std::string_view id) {
    return std::any_of(specs.begin(), specs.end(), [&](const EndpointSpec* s) { return s->id() == id; });
}

std::string lower(std::string s) {
    for (auto& ch : s) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    return s;
}

// Required nested fields ("a.b", "a[].b") are checked only where their parent is present.
std::optional<std::string> check_nested(const json& node, const std::vector<std::string>& tokens, size_t i,
                                        const std::string& full) {
    if (!node.is_object()) return std::nullopt;
    std::string key = tokens[i];
    const bool each = key.size() > 2 && key.ends_with("[]");
    if (each) key.resize(key.size() - 2);
    const auto it = node.find(key);
    if (i + 1 == tokens.size()) {
        if (it == node.end()) return "missing required field '" + full + "'";
        return std::nullopt;
    }
    if (it == node.end()) return std::nullopt;
    if (each && it->is_array()) {
        for (const auto& el : *it)
            if (auto e = check_nested(el, tokens, i + 1, full)) return e;
        return std::nullopt;
    }
    return check_nested(*it, tokens, i + 1, full);
}

std::vector<std::string> tokens_of(std::string_view name) {
    std::vector<std::string> out;
    size_t i = 0;
    while (i <= name.size()) {
        const auto j = std::min(name.find('.', i), name.size());
        out.emplace_back(name.substr(i, j - i));
        i = j + 1;
    }
    return out;
}

std::optional<std::string> check_fields(const EndpointSpec& spec, const json& root, bool top_level_too) {
    for (const auto& f : spec.body()) {
        if (f.required() != Required::yes) continue;
        const bool nested = f.name().find_first_of(".[") != std::string_view::npos;
        if (!nested && !top_level_too) continue;
        if (auto e = check_nested(root, tokens_of(f.name()), 0, std::string(f.name())))
            return std::string(spec.id()) + ": " + *e;
    }
    return std::nullopt;
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
    if (has_variant(specs, "sms-campaigns.create-simple")) {
        const auto format = lower(b.value("format", std::string()));
        if (format == "advanced" || b.contains("experienceFlowName")) return pick("sms-campaigns.create-advanced");
        const bool templ = b.contains("message") && b["message"].is_object() && b["message"].contains("template_name");
        if (format == "template" || templ) return pick("sms-campaigns.create-template");
        return pick("sms-campaigns.create-simple");
    }
    if (has_variant(specs, "voice-campaigns.create-agentless")) {
        const auto mode = lower(b.value("dialingMode", std::string()));
        if (mode == "preview") return pick("voice-campaigns.create-preview");
        if (mode == "progressive") return pick("voice-campaigns.create-progressive");
        if (mode == "agentless") return pick("voice-campaigns.create-agentless");
        if (b.contains("experienceFlowName")) return pick("voice-campaigns.create-agentless");
        if (b.contains("maxSkips")) return pick("voice-campaigns.create-preview");
        return pick("voice-campaigns.create-progressive");
    }
    return specs.front();
}

std::optional<std::string> validate_call(const Call& c) {
    const auto& spec = *c.spec;
    for (const auto& q : spec.query_params()) {
        if (q.required() != Required::yes) continue;
        const auto it = c.query.find(std::string(q.name()));
        if (it == c.query.end() || it->second.empty())
            return std::string(spec.id()) + ": missing required query parameter '" + std::string(q.name()) + "'";
    }
    if (spec.is_multipart()) {
        if (c.upload.empty()) return std::string(spec.id()) + ": a file upload (multipart form field) is required";
        return std::nullopt;
    }
    if (!spec.takes_body()) return std::nullopt;
    const json body = c.body.is_null() ? (spec.body_is_array() ? json::array() : json::object()) : c.body;
    if (auto ok = check_body(spec, body); !ok) return ok.error().message;
    if (spec.body_is_array()) {
        if (body.empty()) return std::string(spec.id()) + ": the body array is empty";
        for (const auto& item : body) {
            if (!item.is_object()) return std::string(spec.id()) + ": every body item must be a JSON object";
            if (auto e = check_fields(spec, item, true)) return e;
        }
        return std::nullopt;
    }
    return check_fields(spec, body, false);
}

}  // namespace ccai::mock
