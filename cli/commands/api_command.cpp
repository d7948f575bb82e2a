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
#include "commands/raw_path.hpp"
#include "missing_settings.hpp"

namespace ccai::cli {

namespace {

struct ApiFlags {
    std::string method, path, body;
    std::vector<std::string> headers;
};

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
    auto raw = check_raw_path(f.path, "api");
    if (!raw) return raw.error();
    auto started = start_request(std::move(method), "", config);
    if (!started) return started.error();
    HttpRequest r = std::move(*started);
    auto path = fill_placeholders(*raw, config, "api");
    if (!path) return path.error();
    r.url += *path;
    if (config.has("bot_id")) r.headers.emplace_back("iid", config.get("bot_id"));
    for (const auto& h : f.headers) {
        auto header = parse_header(h);
        if (!header) return header.error();
        r.key_headers.push_back(header->first);
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
            if (const auto missing = missing_settings(*config, "api", settings_needed(f.path), !c.flags.dry_run))
                return c.fail(*missing);
            return send_and_print(build_raw(f, *config), nullptr, *config, c);
        };
    });
}

}  // namespace ccai::cli
