// Hand-written paths: checked as they go on the wire, placeholders filled from the configuration.
#include "commands/raw_path.hpp"

#include <algorithm>
#include <cctype>

#include <fmt/format.h>

#include "ccai/base_url.hpp"
#include "ccai/request_builder.hpp"

namespace ccai::cli {

namespace {
std::string upper(std::string_view s) {
    std::string out(s);
    std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return std::toupper(c); });
    return out;
}
}  // namespace

// PATH is sent as written, so it is held to what it can mean on the wire: no byte a request line cannot
// carry, no fragment (libcurl would drop it, and the rest of the path with it), and every segment held to
// the rules of a path parameter (path_segment_problem): no dot segment (libcurl resolves `/a/b/../c` to
// `/a/c` before sending; a server may decode and resolve `%2e%2e`, `..%2f` or `..\`), no empty segment
// (`/skill-groups/$ID` with ID unset; servers may collapse `//` and a trailing `/`). Each of these would
// reach a resource other than the one written, such as the parent collection.
Result<std::string> check_raw_path(const std::string& path, std::string_view who) {
    if (!path.starts_with("/")) return invalid_input(fmt::format("{}: PATH must start with / (the host comes from the profile)", who));
    if (std::any_of(path.begin(), path.end(), [](unsigned char c) { return c <= 0x20 || c == 0x7f; }))
        return invalid_input(fmt::format("{}: PATH holds a space or a control character; percent-encode it (%20)", who));
    if (path.find('#') != std::string::npos) return invalid_input(fmt::format("{}: PATH holds '#': percent-encode it (%23)", who));
    const std::string_view segments = std::string_view(path).substr(0, path.find('?'));
    if (segments == "/") return path;
    for (size_t start = 1; start <= segments.size();) {
        const auto end = std::min(segments.find('/', start), segments.size());
        const auto segment = segments.substr(start, end - start);
        if (segment.empty())
            return invalid_input(fmt::format("{}: PATH has an empty segment (a doubled or trailing '/', often an empty variable): "
                                             "servers may read it as the parent resource; write the path without it", who));
        if (const auto why = path_segment_problem(segment); !why.empty())
            return invalid_input(fmt::format("{}: PATH segment '{}' {}; write the path without it", who, segment, why));
        start = end + 1;
    }
    return path;
}

// {botId}, {accountId}, {orgId}: filled from the configuration, each value held to the rules of a path
// parameter, since it decides the target just as one does.
Result<std::string> fill_placeholders(std::string path, const Config& config, std::string_view who) {
    for (const auto* name : {"botId", "accountId", "orgId"}) {
        const std::string ph = fmt::format("{{{}}}", name);
        if (path.find(ph) == std::string::npos) continue;
        const auto key = profile_key_for(name);
        const auto& value = config.get(key);
        if (value.empty())
            return config_error(fmt::format("{}: PATH has {} but {} is not set (--{}, CCAI_{} or the profile)", who, ph, key,
                                            kebab_case(key), upper(key)));
        if (const auto why = path_segment_problem(value); !why.empty())
            return setting_error(config, key, fmt::format("cannot fill {} in PATH: it {}", ph, why));
        for (auto pos = path.find(ph); pos != std::string::npos; pos = path.find(ph))
            path.replace(pos, ph.size(), url_encode(value));
    }
    return path;
}

}  // namespace ccai::cli
