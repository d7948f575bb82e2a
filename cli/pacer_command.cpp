// `ccai-cli pacer status|reset`: look at or clear the shared pacing state of the account.
#include <unistd.h>

#include "app.hpp"
#include "exit_codes.hpp"
#include "output.hpp"

namespace ccai::cli {

namespace {
int with_pacer(const GlobalFlags& g, const std::function<Result<nlohmann::json>(Pacer&)>& fn) {
    auto config = load_config(g);
    if (!config) return report_error(config.error());
    auto options = pacer_options(*config);
    if (!options) return report_error(options.error());
    auto pacer = make_pacer(*options, system_clock());
    if (!pacer) return report_error(pacer.error());
    auto result = fn(**pacer);
    if (!result) return report_error(result.error());
    print_result(stdout, *result, nullptr, output_options(g.output, config->get("output"), g.fields, ::isatty(1) != 0));
    return kOk;
}
}  // namespace

void add_pacer_command(CLI::App& app, GlobalFlags& g, Action& action) {
    auto* pacer = app.add_subcommand("pacer", "the client-side rate-limit pacer shared by every process on the account");
    pacer->require_subcommand(1);
    pacer->fallthrough();
    auto* status = pacer->add_subcommand("status", "limits, grants in each window, next free slot, penalty, backend");
    status->fallthrough();
    status->callback([&g, &action] {
        action = [&g] { return with_pacer(g, [](Pacer& p) { return p.status(); }); };
    });
    auto* reset = pacer->add_subcommand("reset", "forget the account's grants and penalties");
    reset->fallthrough();
    reset->callback([&g, &action] {
        action = [&g] {
            return with_pacer(g, [](Pacer& p) -> Result<nlohmann::json> {
                auto r = p.reset();
                if (!r) return r.error();
                return nlohmann::json{{"reset", true}};
            });
        };
    });
}

}  // namespace ccai::cli
