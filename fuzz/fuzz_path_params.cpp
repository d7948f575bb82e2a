// Path parameter values through build_request, given for the call or filled from the configuration.
// Input: 1 byte picking the operation's parameter (or bot_id from the configuration), then the value.
// Invariant: an accepted request's path has exactly the segments of the catalog's template, each parameter
// in one segment that equals url_encode(value); no segment holds a dot segment, decoded up to the depth
// build_request looks (deeper values are refused); the URL holds no CR, LF, NUL or space.
#include <algorithm>
#include <cctype>
#include <cstddef>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "ccai/request_builder.hpp"

namespace {

const std::vector<std::pair<const ccai::EndpointSpec*, std::string>>& own_params() {
    static const auto all = [] {
        std::vector<std::pair<const ccai::EndpointSpec*, std::string>> out;
        for (const auto& spec : ccai::endpoints())
            for (const auto& p : spec.path_params())
                if (ccai::profile_key_for(p.name()).empty() && !spec.is_multipart()) out.emplace_back(&spec, std::string(p.name()));
        return out;
    }();
    return all;
}

std::vector<std::string> split(std::string_view path) {
    std::vector<std::string> out;
    for (size_t i = 1; i <= path.size();) {
        const auto j = std::min(path.find('/', i), path.size());
        out.emplace_back(path.substr(i, j - i));
        i = j + 1;
    }
    return out;
}

// What a server may take for a dot segment: "." or "..", up to a ';' (segment parameters) or a NUL.
bool is_dot(std::string_view part) {
    part = part.substr(0, part.find_first_of(std::string_view(";\0", 2)));
    return part == "." || part == "..";
}

// Decoded once (our own encoding) and then as many times as build_request promises to look (8), no part
// between '/' or '\\' is a dot segment. Checked here with a decoder of its own, not the SDK's.
bool holds_dot_segment(std::string s) {
    for (int depth = 0; depth <= 9; ++depth) {
        size_t start = 0;
        for (size_t i = 0; i <= s.size(); ++i)
            if (i == s.size() || s[i] == '/' || s[i] == '\\') {
                if (is_dot(std::string_view(s).substr(start, i - start))) return true;
                start = i + 1;
            }
        std::string next;
        for (size_t i = 0; i < s.size(); ++i) {
            if (s[i] == '%' && i + 2 < s.size() && std::isxdigit(static_cast<unsigned char>(s[i + 1])) &&
                std::isxdigit(static_cast<unsigned char>(s[i + 2]))) {
                next += static_cast<char>(std::stoi(s.substr(i + 1, 2), nullptr, 16));
                i += 2;
            } else {
                next += s[i];
            }
        }
        if (next == s) return false;
        s = std::move(next);
    }
    return false;
}

// The body's required top-level fields, each with a value of its type: the check_body that build_request
// runs then passes, and the path is what decides.
nlohmann::json minimal_body(const ccai::EndpointSpec& spec) {
    if (spec.body_is_array()) return nlohmann::json::array();
    nlohmann::json body = nlohmann::json::object();
    for (const auto& f : spec.body()) {
        if (f.required() != ccai::Required::yes || f.name().find_first_of(".[") != std::string_view::npos) continue;
        const auto type = f.type();
        nlohmann::json v = "x";
        if (!f.enums().empty()) v = std::string(f.enums().front());
        else if (type == "integer" || type == "number") v = 1;
        else if (type == "boolean") v = true;
        else if (type == "object") v = nlohmann::json::object();
        else if (type.starts_with("array")) v = nlohmann::json::array();
        body[std::string(f.name())] = v;
    }
    return body;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size < 1) return 0;
    const std::string value(reinterpret_cast<const char*>(data + 1), size - 1);
    ccai::Config config;
    config.set("host", "https://cc.example.com/base", "fuzz");
    config.set("account_id", "acc", "fuzz");
    config.set("bot_id", "st-1", "fuzz");
    config.set("org_id", "o-1", "fuzz");
    const auto& params = own_params();
    const bool from_config = data[0] == 0xff;
    const auto& [spec, name] = params[data[0] % params.size()];
    ccai::CallArgs args;
    for (const auto& p : spec->path_params())
        if (ccai::profile_key_for(p.name()).empty()) args.params[std::string(p.name())] = "id-1";
    if (from_config) config.set("bot_id", value, "env CCAI_BOT_ID");
    else args.params[name] = value;
    if (spec->takes_body()) args.body = minimal_body(*spec);

    const auto req = ccai::build_request(*spec, args, config);
    if (!req) return 0;  // refused: the point is what gets through
    const std::string& url = req->url;
    if (url.find_first_of(std::string("\r\n\0 ", 4)) != std::string::npos) __builtin_trap();
    const std::string base = "https://cc.example.com/base";
    if (!url.starts_with(base + "/")) __builtin_trap();
    const auto sent = split(url.substr(base.size(), url.find('?') - base.size()));
    const auto tmpl = split(spec->path());
    if (sent.size() != tmpl.size()) __builtin_trap();
    for (size_t i = 0; i < sent.size(); ++i) {
        if (holds_dot_segment(sent[i]) || sent[i].empty()) __builtin_trap();
        if (tmpl[i] == "{" + name + "}" && !from_config && sent[i] != ccai::url_encode(value)) __builtin_trap();
        if (tmpl[i] == "{botId}" && from_config && sent[i] != ccai::url_encode(value)) __builtin_trap();
    }
    return 0;
}
