#include "missing_settings.hpp"

#include <algorithm>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <nlohmann/json.hpp>

#include "ccai/request_builder.hpp"

namespace ccai::cli {

namespace {

// "bot_id (--bot-id or CCAI_BOT_ID)"; a secret has no flag: "client_secret (CCAI_CLIENT_SECRET or the credentials file)".
std::string how_to_set(std::string_view key) {
    for (const auto& s : setting_specs())
        if (s.key == key)
            return s.secret ? fmt::format("{} ({} or the credentials file)", key, s.env)
                            : fmt::format("{} (--{} or {})", key, kebab_case(key), s.env);
    return std::string(key);
}

}  // namespace

std::vector<std::string> settings_needed(const EndpointSpec& spec, const CallArgs& args) {
    std::vector<std::string> needed = {"host"};
    const auto need = [&](std::string_view key) {
        if (!key.empty() && std::find(needed.begin(), needed.end(), key) == needed.end()) needed.emplace_back(key);
    };
    for (const auto& p : spec.path_params())
        if (!args.params.contains(p.name())) need(profile_key_for(p.name()));
    for (const auto& h : spec.headers())
        if (h.required() == Required::yes) need(h.from());
    for (const auto& f : spec.body()) {
        const auto from = body_field_filled_from(spec, f);
        const bool given = args.body && args.body->is_object() && args.body->contains(std::string(f.name()));
        if (!from.empty() && !from.starts_with("--") && !given) need(from);
    }
    return needed;
}

std::vector<std::string> settings_needed(std::string_view raw_path) {
    std::vector<std::string> needed = {"host"};
    for (const auto* name : {"accountId", "botId", "orgId"})
        if (raw_path.find(fmt::format("{{{}}}", name)) != std::string_view::npos) needed.emplace_back(profile_key_for(name));
    return needed;
}

std::optional<ApiError> missing_settings(const Config& config, std::string_view who, std::vector<std::string> needed, bool sending) {
    const auto need = [&](std::string_view key) {
        if (std::find(needed.begin(), needed.end(), key) == needed.end()) needed.emplace_back(key);
    };
    if (sending && !config.has("token")) {
        need("client_id");
        need("client_secret");
    }
    std::vector<std::string> unset;
    // In the settings table's order, the order `config list` shows.
    for (const auto& s : setting_specs())
        if (std::find(needed.begin(), needed.end(), s.key) != needed.end() && !config.has(s.key))
            unset.push_back(how_to_set(s.key));
    if (unset.empty()) return std::nullopt;
    return config_error(fmt::format("{} needs settings that profile '{}' does not have: {}; 'ccai-cli config init' "
                                    "sets them up (in {})",
                                    who, config.profile(), fmt::join(unset, ", "), config.config_dir()));
}

std::optional<ApiError> missing_settings(const Config& config, const EndpointSpec& spec, const CallArgs& args, bool sending) {
    return missing_settings(config, spec.id(), settings_needed(spec, args), sending);
}

}  // namespace ccai::cli
