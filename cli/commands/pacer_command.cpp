// `ccai-cli pacer status|reset`: look at or clear the shared pacing state of the account.
#include "app.hpp"
#include "exit_codes.hpp"
#include "output.hpp"

namespace ccai::cli {

namespace {
int with_pacer(const Context& c, const std::function<Result<nlohmann::json>(Pacer&)>& fn) {
    auto config = load_config(c);
    if (!config) return c.fail(config.error());
    auto options = pacer_options(*config);
    if (!options) return c.fail(options.error());
    auto pacer = make_pacer(*options, system_clock());
    if (!pacer) return c.fail(pacer.error());
    auto result = fn(**pacer);
    if (!result) return c.fail(result.error());
    return show_result(c, *result, nullptr, output_options(c, config->get("output")));
}
}  // namespace

void add_pacer_command(CommandLine& cl) {
    auto pacer = cl.root().add_command("pacer", "the client-side rate-limit pacer shared by every process on the account");
    pacer.require_command();
    pacer.add_command("status", "limits, grants in each window, next free slot, penalty, backend").on_chosen([&cl] {
        cl.action = [&c = cl.context] { return with_pacer(c, [](Pacer& p) { return p.status(); }); };
    });
    pacer.add_command("reset", "forget the account's grants and penalties").on_chosen([&cl] {
        cl.action = [&c = cl.context] {
            return with_pacer(c, [](Pacer& p) -> Result<nlohmann::json> {
                auto r = p.reset();
                if (!r) return r.error();
                return nlohmann::json{{"reset", true}};
            });
        };
    });
}

}  // namespace ccai::cli
