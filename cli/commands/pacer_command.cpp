// `ccai-cli pacer status|reset`: look at or clear the shared pacing state of the account.
#include "app.hpp"
#include "ccai/proxy_stats.hpp"
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

// The proxy of the scope (its stats file beside the pacer state) as one row: a table or text line cannot
// hold its nested totals, so those formats print it after the status (json keeps it under "proxy").
nlohmann::json proxy_rows(const nlohmann::json& status) {
    auto rows = nlohmann::json::array();
    const auto proxy = status.find("proxy");
    if (proxy == status.end() || !proxy->is_object()) return rows;
    nlohmann::json row{{"proxy_pid", proxy->value("pid", nlohmann::json())},
                       {"listen", proxy->value("listen", nlohmann::json())},
                       {"stale", proxy->value("stale", nlohmann::json())},
                       {"started_at", proxy->value("started_at", nlohmann::json())},
                       {"updated_at", proxy->value("updated_at", nlohmann::json())}};
    const auto totals = proxy->value("totals", nlohmann::json::object());
    for (const auto& [key, value] : totals.items())
        if (!value.is_structured()) row[key] = value;
    rows.push_back(std::move(row));
    return rows;
}

int with_pacer(const Context& c, const std::function<Result<nlohmann::json>(Pacer&)>& fn, bool status_view = false) {
    auto config = load_config(c);
    if (!config) return c.fail(config.error());
    auto options = pacer_options(*config);
    if (!options) return c.fail(options.error());
    auto pacer = make_pacer(*options, system_clock());
    if (!pacer) return c.fail(pacer.error());
    auto result = fn(**pacer);
    if (!result) return c.fail(result.error());
    if (status_view) {
        // A proxy on this host serving the same scope leaves its traffic beside the pacer state.
        auto proxy = read_proxy_stats(*options);
        if (!proxy.warning.empty()) std::fprintf(c.console.err, "warning: %s\n", proxy.warning.c_str());
        if (proxy.stats) (*result)["proxy"] = std::move(*proxy.stats);
    }
    const auto out = output_options(c, config->get("output"));
    if (const int rc = show_result(c, *result, nullptr, out); rc != kOk) return rc;
    if (status_view && !out.jq && out.fields.empty() && (out.format == "table" || out.format == "text")) {
        if (const int rc = show_result(c, waiting_rows(*result), nullptr, out); rc != kOk) return rc;
        if (const auto rows = proxy_rows(*result); !rows.empty()) return show_result(c, rows, nullptr, out);
    }
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
