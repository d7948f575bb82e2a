// `ccai-cli pacer status|reset`: look at or clear the shared pacing state of the account.
#include "app.hpp"
#include "exit_codes.hpp"
#include "output.hpp"

namespace ccai::cli {

namespace {
// The waiting calls as rows, one per class: a table or text line cannot hold the nested object, so those
// formats print them after the status (json keeps them under "waiting").
nlohmann::json waiting_rows(const nlohmann::json& status) {
    auto rows = nlohmann::json::array();
    const auto waiting = status.find("waiting");
    if (waiting == status.end() || !waiting->is_object()) return rows;
    for (const char* cls : {"interactive", "bulk"}) {  // the order in which they are served
        const auto w = waiting->value(cls, nlohmann::json::object());
        std::string pids;
        for (const auto& pid : w.value("pids", nlohmann::json::array())) pids += (pids.empty() ? "" : ",") + pid.dump();
        rows.push_back({{"class", cls},
                        {"count", w.value("count", 0)},
                        {"oldest_wait_ms", w.value("oldest_wait_ms", 0)},
                        {"pids", pids}});
    }
    return rows;
}

int with_pacer(const Context& c, const std::function<Result<nlohmann::json>(Pacer&)>& fn, bool show_waiting = false) {
    auto config = load_config(c);
    if (!config) return c.fail(config.error());
    auto options = pacer_options(*config);
    if (!options) return c.fail(options.error());
    auto pacer = make_pacer(*options, system_clock());
    if (!pacer) return c.fail(pacer.error());
    auto result = fn(**pacer);
    if (!result) return c.fail(result.error());
    const auto out = output_options(c, config->get("output"));
    if (const int rc = show_result(c, *result, nullptr, out); rc != kOk) return rc;
    if (show_waiting && !out.jq && out.fields.empty() && (out.format == "table" || out.format == "text"))
        return show_result(c, waiting_rows(*result), nullptr, out);
    return kOk;
}
}  // namespace

void add_pacer_command(CommandLine& cl) {
    auto pacer = cl.root().add_command("pacer", "the client-side rate-limit pacer shared by every process on the account");
    pacer.require_command();
    pacer.add_command("status", "limits, grants in each window, next free slot, penalty, waiting calls per class, backend")
        .on_chosen([&cl] {
            cl.action = [&c = cl.context] { return with_pacer(c, [](Pacer& p) { return p.status(); }, true); };
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
