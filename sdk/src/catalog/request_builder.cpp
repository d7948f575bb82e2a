#include "ccai/request_builder.hpp"

#include <fmt/format.h>

#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <filesystem>

#include "catalog/body_fill.hpp"
#include "ccai/base_url.hpp"

namespace ccai {

namespace {

// An invalid-input error about the operation's parameter `name`, which the message names as the catalog
// spells it ("agentId"); ApiError::parameters lets a program show its own name for it (ccai-cli: --agent-id).
ApiError parameter_error(std::string_view name, std::string message) {
    auto e = invalid_input(std::move(message));
    e.parameters.emplace_back(name);
    return e;
}

std::string upper(std::string_view s) {
    std::string out(s);
    std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return std::toupper(c); });
    return out;
}

bool is_integer(std::string_view v) {
    if (v.starts_with('-')) v.remove_prefix(1);
    return !v.empty() && std::all_of(v.begin(), v.end(), [](unsigned char c) { return std::isdigit(c); });
}

bool is_number(const std::string& v) {
    char* end = nullptr;
    std::strtod(v.c_str(), &end);
    return !v.empty() && end == v.c_str() + v.size();
}

// The value of a parameter: given for the call, else (for account-wide ids) from the profile.
std::string value_of(const ParamSpec& p, const CallArgs& args, const Config& config) {
    if (auto it = args.params.find(p.name()); it != args.params.end()) return it->second;
    if (auto key = profile_key_for(p.name()); !key.empty()) return config.get(key);
    return "";
}

// "%2e" -> "."; an escape that is not one stays as it is.
std::string percent_decode(std::string_view s) {
    std::string out;
    out.reserve(s.size());
    for (size_t i = 0; i < s.size(); ++i) {
        if (s[i] == '%' && i + 2 < s.size() && std::isxdigit(static_cast<unsigned char>(s[i + 1])) &&
            std::isxdigit(static_cast<unsigned char>(s[i + 2]))) {
            out += static_cast<char>(std::stoi(std::string(s.substr(i + 1, 2)), nullptr, 16));
            i += 2;
        } else {
            out += s[i];
        }
    }
    return out;
}

// Servers decode once, some twice; past this depth a value is refused rather than decoded further (each
// level costs a pass over the value, and no id is encoded this deep).
constexpr int kMaxDecodings = 8;

Result<Unit> check_value(const EndpointSpec& spec, const ParamSpec& p, const std::string& v) {
    const auto bad = [&](std::string_view why) {
        return parameter_error(p.name(), fmt::format("{}: parameter {} {}: {}", spec.id(), p.name(), detail::shown_value(v), why));
    };
    if (p.type() == "integer" && !is_integer(v)) return bad("must be a whole number");
    if (p.type() == "number" && !is_number(v)) return bad("must be a number");
    if (p.type() == "boolean" && v != "true" && v != "false") return bad("must be true or false");
    if (const auto enums = p.enums(); !enums.empty()) {
        // array[string] parameters take comma-separated values, each from the list.
        std::string_view rest = v;
        while (true) {
            const auto item = rest.substr(0, rest.find(','));
            if (std::find(enums.begin(), enums.end(), item) == enums.end())
                return bad(fmt::format("'{}' is not one of: {}", item, fmt::join(enums, ", ")));
            if (item.size() == rest.size()) break;
            rest.remove_prefix(item.size() + 1);
        }
    }
    return Unit{};
}

}  // namespace

std::string kebab_case(std::string_view name) {
    std::string out;
    for (char c : name) {
        if (c == '_') out += '-';
        else if (std::isupper(static_cast<unsigned char>(c))) {
            out += '-';
            out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        } else out += c;
    }
    return out;
}

std::string_view profile_key_for(std::string_view name) {
    if (name == "botId") return "bot_id";
    if (name == "accountId") return "account_id";
    if (name == "orgId") return "org_id";
    if (name == "iId") return "bot_id";  // the body's name for the app id the `iid` header carries
    return "";
}

bool is_dot_segment(std::string_view segment) {
    std::string level(segment);
    for (int depth = 0; depth <= kMaxDecodings; ++depth) {
        // ";params" are dropped by some servers, and a C server stops reading at a NUL.
        const std::string_view bare = std::string_view(level).substr(0, level.find_first_of(std::string_view(";\0", 2)));
        if (bare == "." || bare == "..") return true;
        auto next = percent_decode(level);
        if (next == level) return false;
        level = std::move(next);
    }
    return true;  // still decoding: nothing legitimate is encoded this deep
}

std::string path_segment_problem(std::string_view value) {
    if (value.empty()) return "is empty";
    std::string level(value);
    for (int depth = 0; depth <= kMaxDecodings; ++depth) {
        if (std::any_of(level.begin(), level.end(), [](unsigned char c) { return c < 0x20 || c == 0x7f; }))
            return "holds a control character";
        for (size_t start = 0; start <= level.size();) {
            const auto end = std::min(level.find_first_of("/\\", start), level.size());
            const auto part = std::string_view(level).substr(start, end - start);
            if (part.empty())
                return "has an empty part around a '/' (leading, trailing or doubled), which a server that decodes "
                       "the path may read as a different path";
            if (is_dot_segment(part))
                return "is or holds a '.' or '..' path segment (also percent-encoded), which would send the request "
                       "to a parent resource";
            start = end + 1;
        }
        auto next = percent_decode(level);
        if (next == level) return "";
        level = std::move(next);
    }
    return "is percent-encoded more times over than any server decodes";
}

Result<Unit> check_header_settings(const Config& config) {
    static constexpr std::pair<std::string_view, std::string_view> kHeaderSettings[] = {
        {"account_id", "accountid"}, {"bot_id", "iid"}, {"token", "auth"}};
    for (const auto& [key, header] : kHeaderSettings)
        if (const auto why = header_value_problem(config.get(key)); !why.empty())
            return setting_error(config, key, fmt::format("cannot be sent as header {}: it {}", header, why));
    return Unit{};
}

ApiError setting_error(const Config& config, std::string_view key, std::string_view problem) {
    const auto it = config.all().find(key);
    const std::string origin = it == config.all().end() ? "" : it->second.origin;
    const bool from_flag = origin == "flag";
    const auto where = from_flag ? "--" + kebab_case(key) : origin;
    auto message = where.empty() ? fmt::format("{}: {}", key, problem) : fmt::format("{} ({}): {}", key, where, problem);
    return from_flag ? invalid_input(std::move(message)) : config_error(std::move(message));
}

std::string url_encode(std::string_view text) {
    std::string out;
    for (unsigned char c : text) {
        if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') out += static_cast<char>(c);
        else out += fmt::format("%{:02X}", c);
    }
    return out;
}

// The catalog lists accountid only where the documents show it; it is sent on every call all the same.
Result<HttpRequest> start_request(std::string method, std::string_view path_and_query, const Config& config) {
    const auto base = base_url(config);
    if (!base) return base.error();
    if (auto ok = check_header_settings(config); !ok) return ok.error();
    HttpRequest req;
    req.method = std::move(method);
    req.url = base->text;
    req.url += path_and_query;
    if (config.has("account_id")) req.headers.emplace_back("accountid", config.get("account_id"));
    return req;
}

Result<HttpRequest> build_request(const EndpointSpec& spec, const CallArgs& args, const Config& config) {
    for (const auto& [name, value] : args.params) {
        if (value.empty()) return parameter_error(name, fmt::format("{}: parameter {} needs a value", spec.id(), name));
        const auto known = [&n = name](std::span<const ParamSpec> ps) {  // clang 14: no structured-binding captures
            return std::any_of(ps.begin(), ps.end(), [&n](const ParamSpec& p) { return p.name() == n; });
        };
        if (!known(spec.path_params()) && !known(spec.query_params()))
            return invalid_input(fmt::format("{}: unknown parameter '{}'", spec.id(), name));
    }
    std::string path(spec.path());
    for (const auto& p : spec.path_params()) {
        const auto v = value_of(p, args, config);
        if (v.empty()) {
            const auto key = profile_key_for(p.name());
            return parameter_error(p.name(), key.empty()
                ? fmt::format("{}: missing required parameter {}", spec.id(), p.name())
                : fmt::format("{}: missing required parameter {} (or set {} in the profile, env CCAI_{})", spec.id(),
                              p.name(), key, upper(key)));
        }
        if (auto ok = check_value(spec, p, v); !ok) return ok.error();
        if (const auto why = path_segment_problem(v); !why.empty()) {
            const auto key = profile_key_for(p.name());
            if (!args.params.contains(p.name()) && !key.empty())
                return setting_error(config, key,
                                     fmt::format("{} cannot fill {{{}}} in {}: it {}", detail::shown_value(v), p.name(), spec.id(), why));
            return parameter_error(p.name(), fmt::format("{}: parameter {} {} {}", spec.id(), p.name(), detail::shown_value(v), why));
        }
        const auto placeholder = fmt::format("{{{}}}", p.name());
        for (auto pos = path.find(placeholder); pos != std::string::npos; pos = path.find(placeholder))
            path.replace(pos, placeholder.size(), url_encode(v));
    }
    std::string query;
    const auto add_query = [&](std::string_view k, std::string_view v) {
        query += (query.empty() ? "?" : "&") + url_encode(k) + "=" + url_encode(v);
    };
    for (const auto& q : spec.const_query()) add_query(q.name(), q.value());
    for (const auto& p : spec.query_params()) {
        const auto v = value_of(p, args, config);
        if (v.empty()) {
            if (p.required() == Required::yes)
                return parameter_error(p.name(), fmt::format("{}: missing required parameter {} ({})", spec.id(), p.name(), p.desc()));
            continue;
        }
        if (auto ok = check_value(spec, p, v); !ok) return ok.error();
        add_query(p.name(), v);
    }
    if (auto ok = check_one_of(spec, "query", [&](std::string_view name) {
            const auto it = std::find_if(spec.query_params().begin(), spec.query_params().end(),
                                         [&](const ParamSpec& p) { return p.name() == name; });
            return it != spec.query_params().end() && !value_of(*it, args, config).empty();
        });
        !ok)
        return ok.error();

    auto started = start_request(std::string(spec.method()), path + query, config);
    if (!started) return started.error();
    HttpRequest req = std::move(*started);
    req.read_only = spec.read_only();
    for (const auto& h : spec.headers()) {
        if (!req.header(h.name()).empty()) continue;  // accountid: start_request added it
        const auto& v = config.get(h.from());
        if (!v.empty()) req.headers.emplace_back(std::string(h.name()), v);
        else if (h.required() == Required::yes) {
            // Named as a setting: a program shows it as its own (ccai-cli: the flag --bot-id).
            auto e = config_error(fmt::format("{}: header {} needs {}: set it in the profile or CCAI_{}", spec.id(), h.name(),
                                              h.from(), upper(h.from())));
            e.parameters.emplace_back(h.from());
            return e;
        }
    }
    if (spec.is_multipart()) {
        if (!args.file || args.file->empty()) return parameter_error("file", fmt::format("{}: missing required parameter file (the file to upload)", spec.id()));
        // curl would only find out mid-request; say it now, with nothing sent.
        std::error_code ec;
        if (!std::filesystem::is_regular_file(*args.file, ec) || ::access(args.file->c_str(), R_OK) != 0)
            return parameter_error("file", fmt::format("{}: file {}: not a readable file", spec.id(), quoted_excerpt(*args.file)));
        req.upload_file = *args.file;
    } else if (spec.takes_body()) {
        nlohmann::json body = args.body.value_or(spec.body_is_array() ? nlohmann::json::array() : nlohmann::json::object());
        detail::fill_action_constants(spec, body);
        if (auto ok = detail::fill_body_values(spec, args, config, body); !ok) return ok.error();
        if (auto ok = check_body(spec, body); !ok) return ok.error();
        req.body = body.dump();
        req.headers.emplace_back("content-type", "application/json");
    } else if (args.body && !args.body->is_null()) {
        return invalid_input(fmt::format("{}: this operation takes no body", spec.id()));
    }
    req.headers.emplace_back("accept", "application/json");
    for (const auto& h : args.extra_headers) {
        req.headers.push_back(h);
        req.key_headers.push_back(h.first);
    }
    if (auto ok = check_headers(req.headers); !ok) return ok.error();
    return req;
}

}  // namespace ccai
