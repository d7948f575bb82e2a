// `ccai-cli api METHOD PATH`: any request, through the same pipeline (auth, pacer, retry, redaction).
#include <algorithm>

#include <fmt/format.h>

#include "app.hpp"
#include "body_input.hpp"
#include "exit_codes.hpp"
#include "operation_runner.hpp"

namespace ccai::cli {

namespace {
struct ApiFlags {
    std::string method, path, body;
    std::vector<std::string> headers;
};

Result<HttpRequest> build_raw(const ApiFlags& f, const Config& config) {
    HttpRequest r;
    r.method = f.method;
    std::transform(r.method.begin(), r.method.end(), r.method.begin(), ::toupper);
    if (r.method != "GET" && r.method != "POST" && r.method != "PUT" && r.method != "DELETE" && r.method != "PATCH")
        return invalid_input(fmt::format("api: unsupported method '{}'", f.method));
    if (!f.path.starts_with("/")) return invalid_input("api: PATH must start with / (the host comes from the profile)");
    auto host = config.get("host");
    while (host.ends_with('/')) host.pop_back();
    if (host.empty()) return config_error("no host configured: set host in the profile, CCAI_HOST or --host");
    std::string path = f.path;
    // The same account-wide placeholders as the catalog: {botId}, {accountId}, {orgId}.
    for (const auto* name : {"botId", "accountId", "orgId"}) {
        const std::string ph = fmt::format("{{{}}}", name);
        for (auto pos = path.find(ph); pos != std::string::npos; pos = path.find(ph))
            path.replace(pos, ph.size(), url_encode(config.get(profile_key_for(name))));
    }
    r.url = host + path;
    if (config.has("account_id")) r.headers.emplace_back("accountid", config.get("account_id"));
    if (config.has("bot_id")) r.headers.emplace_back("iid", config.get("bot_id"));
    for (const auto& h : f.headers) {
        const auto colon = h.find(':');
        if (colon == std::string::npos || colon == 0) return invalid_input(fmt::format("-H {}: expected name:value", h));
        auto value = h.substr(colon + 1);
        while (value.starts_with(' ')) value.erase(0, 1);
        r.headers.emplace_back(h.substr(0, colon), value);
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

void add_api_command(CLI::App& app, GlobalFlags& g, Action& action, const CommandFilter& filter) {
    if (!filter.wants("api")) return;
    static ApiFlags f;
    auto* cmd = app.add_subcommand("api", "send any request through the same auth, pacing and retries");
    cmd->fallthrough();
    cmd->add_option("method", f.method, "GET, POST, PUT, DELETE")->required();
    cmd->add_option("path", f.path, "path, e.g. /agentassist/api/v1/public/{botId}/queues")->required();
    cmd->add_option("--body", f.body, "JSON body, @file, or @- for stdin")->type_name("JSON");
    cmd->add_option("-H,--header", f.headers, "extra header name:value (repeatable)");
    cmd->callback([&g, &action] {
        action = [&g] {
            auto config = load_config(g);
            if (!config) return report_error(config.error());
            return send_and_print(build_raw(f, *config), nullptr, *config, g);
        };
    });
}

}  // namespace ccai::cli
