#include "commands/operation_runner.hpp"

#include "exit_codes.hpp"
#include "flag_names.hpp"
#include "missing_settings.hpp"
#include "output.hpp"
#include "ccai/limits.hpp"

namespace ccai::cli {

nlohmann::json dry_run_json(const HttpRequest& r) {
    nlohmann::json headers = nlohmann::json::object();
    headers["auth"] = "***";  // minted per attempt; never printed
    for (const auto& [k, v] : r.headers) headers[k] = k == "auth" ? "***" : v;
    nlohmann::json out = {{"method", r.method}, {"url", r.url}, {"headers", headers}};
    if (r.upload_file) out["file"] = *r.upload_file;
    else if (!r.body.empty()) out["body"] = parse_json_bounded(r.body);
    return out;
}

int send_and_print(Result<HttpRequest> request, const EndpointSpec* spec, const Config& config, const Context& c) {
    if (!request) return c.fail(with_flag_names(request.error()));  // the parameters were given as flags
    const auto out = output_options(c, config.get("output"));
    if (c.flags.dry_run) {
        // The request as JSON whatever -o says (a --jq program still applies: `--dry-run --jq .url`).
        auto as_json = out;
        as_json.format = "json";
        as_json.fields.clear();
        return show_result(c, dry_run_json(*request), nullptr, as_json);
    }
    auto session = open_session(c, config);
    if (!session) return c.fail(session.error());
    auto result = to_result(session->client->send(std::move(*request)));
    if (!result) return c.fail(result.error());
    return show_result(c, *result, spec, out);
}

int run_operation(const EndpointSpec& spec, const CallArgs& args, const Context& c) {
    auto config = load_config(c);
    if (!config) return c.fail(config.error());
    if (const auto missing = missing_settings(*config, spec, args, !c.flags.dry_run)) return c.fail(*missing);
    // Every check happens in build_request, before any I/O.
    return send_and_print(build_request(spec, args, *config), &spec, *config, c);
}

}  // namespace ccai::cli
