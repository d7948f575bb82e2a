#include "operation_runner.hpp"

#include <unistd.h>

#include "exit_codes.hpp"
#include "output.hpp"

namespace ccai::cli {

nlohmann::json dry_run_json(const HttpRequest& r) {
    nlohmann::json headers = nlohmann::json::object();
    headers["auth"] = "***";  // minted per attempt; never printed
    for (const auto& [k, v] : r.headers) headers[k] = k == "auth" ? "***" : v;
    nlohmann::json out = {{"method", r.method}, {"url", r.url}, {"headers", headers}};
    if (r.upload_file) out["file"] = *r.upload_file;
    else if (!r.body.empty()) out["body"] = nlohmann::json::parse(r.body, nullptr, false);
    return out;
}

int send_and_print(Result<HttpRequest> request, const EndpointSpec* spec, const Config& config, const GlobalFlags& flags) {
    if (!request) return report_error(request.error());
    const auto out = output_options(flags.output, config.get("output"), flags.fields, ::isatty(1) != 0);
    if (flags.dry_run) {
        print_result(stdout, dry_run_json(*request), nullptr, OutputOptions{"json", {}, out.tty});
        return kOk;
    }
    auto session = open_session(flags, config);
    if (!session) return report_error(session.error());
    auto result = to_result(session->client->send(std::move(*request)));
    if (!result) return report_error(result.error());
    print_result(stdout, *result, spec, out);
    return kOk;
}

int run_operation(const EndpointSpec& spec, const CallArgs& args, const GlobalFlags& flags) {
    auto config = load_config(flags);
    if (!config) return report_error(config.error());
    // Every check happens in build_request, before any I/O.
    return send_and_print(build_request(spec, args, *config), &spec, *config, flags);
}

}  // namespace ccai::cli
