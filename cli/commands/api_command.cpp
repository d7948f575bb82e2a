// `ccai-cli api METHOD PATH`: any request, through the same pipeline (auth, pacer, retry, redaction).
#include <algorithm>
#include <cctype>
#include <string_view>
#include <utility>

#include <fmt/format.h>

#include "ccai/base_url.hpp"

#include "app.hpp"
#include "body_input.hpp"
#include "exit_codes.hpp"
#include "commands/operation_runner.hpp"

namespace ccai::cli {

namespace {
std::string upper(std::string_view s) {
    std::string out(s);
    std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return std::toupper(c); });
    return out;
}

struct ApiFlags {
    std::string method, path, body;
    std::vector<std::string> headers;
};

// PATH is sent as written, so it is held to what it can mean on the wire: no byte a request line cannot
// carry, no fragment (libcurl would drop it, and the rest of the path with it), and every segment held to
// the rules of a path parameter (path_segment_problem): no dot segment (libcurl resolves `/a/b/../c` to
// `/a/c` before sending; a server may decode and resolve `%2e%2e`, `..%2f` or `..\`), no empty segment
// (`/skill-groups/$ID` with ID unset; servers may collapse `//` and a trailing `/`). Each of these would
// reach a resource other than the one written, such as the parent collection.
Result<std::string> check_raw_path(const std::string& path) {
    if (!path.starts_with("/")) return invalid_input("api: PATH must start with / (the host comes from the profile)");
    if (std::any_of(path.begin(), path.end(), [](unsigned char c) { return c <= 0x20 || c == 0x7f; }))
        return invalid_input("api: PATH holds a space or a control character; percent-encode it (%20)");
    if (path.find('#') != std::string::npos) return invalid_input("api: PATH holds '#': percent-encode it (%23)");
    const std::string_view segments = std::string_view(path).substr(0, path.find('?'));
    if (segments == "/") return path;
    for (size_t start = 1; start <= segments.size();) {
        const auto end = std::min(segments.find('/', start), segments.size());
        const auto segment = segments.substr(start, end - start);
        if (segment.empty())
            return invalid_input("api: PATH has an empty segment (a doubled or trailing '/', often an empty variable): "
                                 "servers may read it as the parent resource; write the path without it");
        if (const auto why = path_segment_problem(segment); !why.empty())
            return invalid_input(fmt::format("api: PATH segment '{}' {}; write the path without it", segment, why));
        start = end + 1;
    }
    return path;
}

// {botId}, {accountId}, {orgId}: filled from the configuration, each value held to the rules of a path
// parameter, since it decides the target just as one does.
Result<std::string> fill_placeholders(std::string path, const Config& config) {
    for (const auto* name : {"botId", "accountId", "orgId"}) {
        const std::string ph = fmt::format("{{{}}}", name);
        if (path.find(ph) == std::string::npos) continue;
        const auto key = profile_key_for(name);
        const auto& value = config.get(key);
        if (value.empty())
            return config_error(fmt::format("api: PATH has {} but {} is not set (--{}, CCAI_{} or the profile)", ph, key,
                                            kebab_case(key), upper(key)));
        if (const auto why = path_segment_problem(value); !why.empty())
            return setting_error(config, key, fmt::format("cannot fill {} in PATH: it {}", ph, why));
        for (auto pos = path.find(ph); pos != std::string::npos; pos = path.find(ph))
            path.replace(pos, ph.size(), url_encode(value));
    }
    return path;
}

// -H name:value. Set by hand, so refused as input (exit 2) when it could split the request or retarget it.
Result<std::pair<std::string, std::string>> parse_header(const std::string& h) {
    const auto colon = h.find(':');
    if (colon == std::string::npos || colon == 0) return invalid_input("-H: expected name:value");
    auto value = h.substr(colon + 1);
    while (value.starts_with(' ') || value.starts_with('\t')) value.erase(0, 1);
    std::pair<std::string, std::string> header{h.substr(0, colon), value};
    if (auto ok = check_headers({header}); !ok) return invalid_input("-H: " + ok.error().message);
    return header;
}

Result<HttpRequest> build_raw(const ApiFlags& f, const Config& config) {
    std::string method = f.method;
    std::transform(method.begin(), method.end(), method.begin(), ::toupper);
    if (method != "GET" && method != "POST" && method != "PUT" && method != "DELETE" && method != "PATCH")
        return invalid_input(fmt::format("api: unsupported method '{}'", f.method));
    auto raw = check_raw_path(f.path);
    if (!raw) return raw.error();
    auto started = start_request(std::move(method), "", config);
    if (!started) return started.error();
    HttpRequest r = std::move(*started);
    auto path = fill_placeholders(*raw, config);
    if (!path) return path.error();
    r.url += *path;
    if (config.has("bot_id")) r.headers.emplace_back("iid", config.get("bot_id"));
    for (const auto& h : f.headers) {
        auto header = parse_header(h);
        if (!header) return header.error();
        r.headers.push_back(std::move(*header));
    }
    if (!f.body.empty()) {
        auto body = read_body(f.body);
        if (!body) return body.error();
        r.body = body->dump();
        r.headers.emplace_back("content-type", "application/json");
    }
    r.headers.emplace_back("accept", "application/json");
    return r;
}
}  // namespace

void add_api_command(CommandLine& cl) {
    auto& f = cl.own<ApiFlags>();
    auto cmd = cl.root().add_command("api", "send any request through the same auth, pacing and retries");
    cmd.option("method", f.method, "GET, POST, PUT, DELETE").required();
    cmd.option("path", f.path, "path, e.g. /agentassist/api/v1/public/{botId}/queues").required();
    cmd.option("--body", f.body, "JSON body, @file, or @- for stdin").type_name("JSON");
    cmd.option("-H,--header", f.headers, "extra header name:value (repeatable)");
    cmd.on_chosen([&f, &cl] {
        cl.action = [&f, &c = cl.context] {
            auto config = load_config(c);
            if (!config) return c.fail(config.error());
            return send_and_print(build_raw(f, *config), nullptr, *config, c);
        };
    });
}

}  // namespace ccai::cli
