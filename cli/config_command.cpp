// `ccai-cli config list [--show-origin]`, `config profiles`, `config path`.
#include <unistd.h>

#include <fmt/format.h>

#include "app.hpp"
#include "exit_codes.hpp"
#include "output.hpp"

namespace ccai::cli {

namespace {
// A subcommand that loads the configuration and prints something from it.
void add_config_query(CLI::App& parent, const char* name, const char* desc, GlobalFlags& g, Action& action,
                      std::function<void(const Config&)> print) {
    auto* cmd = parent.add_subcommand(name, desc);
    cmd->fallthrough();
    cmd->callback([&g, &action, print] {
        action = [&g, print] {
            auto config = load_config(g);
            if (!config) return report_error(config.error());
            print(*config);
            return static_cast<int>(kOk);
        };
    });
}
}  // namespace

void add_config_command(CLI::App& app, GlobalFlags& g, Action& action) {
    static bool show_origin = false;
    auto* cfg = app.add_subcommand("config", "show the resolved configuration");
    cfg->require_subcommand(1);
    cfg->fallthrough();
    auto* list = cfg->add_subcommand("list", "every setting with its value (secrets masked)");
    list->fallthrough();
    list->add_flag("--show-origin", show_origin, "also say where each value came from");
    list->callback([&g, &action] {
        action = [&g] {
            auto config = load_config(g);
            if (!config) return report_error(config.error());
            nlohmann::json rows = nlohmann::json::array();
            for (const auto& spec : setting_specs()) {
                const auto it = config->all().find(spec.key);
                nlohmann::json row = {{"key", spec.key}};
                const std::string value = it == config->all().end() ? "" : it->second.value;
                row["value"] = spec.secret ? mask_secret(value) : value;
                if (show_origin) row["origin"] = it == config->all().end() ? "unset" : it->second.origin;
                rows.push_back(row);
            }
            // A table for people by default; json/jsonl when asked.
            auto out = output_options(g.output.empty() ? "table" : g.output, "", g.fields, ::isatty(1) != 0);
            print_result(stdout, rows, nullptr, out);
            return static_cast<int>(kOk);
        };
    });
    add_config_query(*cfg, "profiles", "profile names in config.toml", g, action, [](const Config& c) {
        for (const auto& p : c.profiles()) fmt::print("{}\n", p);
    });
    add_config_query(*cfg, "path", "the configuration directory", g, action,
                     [](const Config& c) { fmt::print("{}\n", c.config_dir()); });
}

}  // namespace ccai::cli
