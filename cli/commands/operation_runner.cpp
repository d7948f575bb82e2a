#include "commands/operation_runner.hpp"

#include "exit_codes.hpp"
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
    if (!request) return c.fail(request.error());
    const auto out = output_options(c.flags.output, config.get("output"), c.flags.fields, c.console.out_tty);
    if (c.flags.dry_run) {
        print_result(c.console.out, dry_run_json(*request), nullptr, OutputOptions{"json", {}, out.tty});
        return kOk;
    }
    auto session = open_session(c, config);
    if (!session) return c.fail(session.error());
    auto result = to_result(session->client->send(std::move(*request)));
    if (!result) return c.fail(result.error());
    print_result(c.console.out, *result, spec, out);
    return kOk;
}

int run_operation(const EndpointSpec& spec, const CallArgs& args, const Context& c) {
    auto config = load_config(c);
    if (!config) return c.fail(config.error());
    // Every check happens in build_request, before any I/O.
    return send_and_print(build_request(spec, args, *config), &spec, *config, c);
}

}  // namespace ccai::cli
