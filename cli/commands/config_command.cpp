// `ccai-cli config list [--show-origin]`, `config profiles`, `config path`; and the tree the other config
// commands join (config_edit_commands.cpp, config_init.cpp).
#include <cstdlib>

#include "app.hpp"
#include "commands/config_commands.hpp"
#include "exit_codes.hpp"
#include "output.hpp"

namespace ccai::cli {

namespace {
// A subcommand that loads the configuration and prints something from it.
void add_config_query(Command parent, const char* name, const char* desc, CommandLine& cl,
                      std::function<std::string(const Config&)> text) {
    parent.add_command(name, desc).on_chosen([&cl, text] {
        cl.action = [&c = cl.context, text] {
            auto config = load_config(c);
            if (!config) return c.fail(config.error());
            std::fputs(text(*config).c_str(), c.console.out);
            return static_cast<int>(kOk);
        };
    });
}
}  // namespace

void add_config_command(CommandLine& cl) {
    auto& show_origin = cl.own<bool>();
    auto cfg = cl.root().add_command("config", "show and change the configuration");
    cfg.require_command();
    add_config_init_command(cfg, cl);
    add_config_edit_commands(cfg, cl);
    auto list = cfg.add_command("list", "every setting with its value (secrets masked)");
    list.flag("--show-origin", show_origin, "also say where each value came from");
    list.on_chosen([&cl, &show_origin] {
        cl.action = [&c = cl.context, &show_origin] {
            auto config = load_config(c);
            if (!config) return c.fail(config.error());
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
            return show_result(c, rows, nullptr, output_options(c, "table"));
        };
    });
    add_config_query(cfg, "profiles", "profile names in config.toml", cl, [](const Config& c) {
        std::string names;
        for (const auto& p : c.profiles()) names += p + "\n";
        return names;
    });
    add_config_query(cfg, "path", "the configuration directory", cl, [](const Config& c) { return c.config_dir() + "\n"; });
}

ConfigSources config_sources(const Context& c) {
    ConfigSources sources = c.sources;
    sources.flags = c.flags.settings;
    return sources;
}

std::optional<std::string> environment_value(const Context& c, const char* name) {
    std::optional<std::string> value;
    if (c.sources.getenv) value = c.sources.getenv(name);
    else if (const char* v = std::getenv(name)) value = v;
    if (value && value->empty()) value.reset();
    return value;
}

}  // namespace ccai::cli
