// `ccai-cli cache clear`: empty the response cache (--cache TTL) of every account and process of the user.
#include "app.hpp"
#include "exit_codes.hpp"
#include "output.hpp"

namespace ccai::cli {

namespace {
int clear(const Context& c) {
    // A bad `cache` value (the TTL) is no reason to refuse emptying the cache: it is not read here.
    ConfigSources sources = c.sources;
    sources.flags = c.flags.settings;
    sources.flags["cache"] = "0";
    auto config = Config::load(sources);
    if (!config) return c.fail(config.error());
    // The directory the CLI's clients use: they get the same environment (ClientOptions::getenv).
    auto removed = clear_cache(default_cache_dir(c.sources.getenv));
    if (!removed) return c.fail(removed.error());
    return show_result(c, nlohmann::json{{"cleared", true}, {"entries", *removed}}, nullptr,
                       output_options(c, config->get("output")));
}
}  // namespace

void add_cache_command(CommandLine& cl) {
    auto cache = cl.root().add_command("cache", "the response cache of read-only calls (--cache TTL), shared by your processes");
    cache.require_command();
    cache.add_command("clear", "remove every cached answer ($XDG_CACHE_HOME/ccai)").on_chosen([&cl] {
        cl.action = [&c = cl.context] { return clear(c); };
    });
}

}  // namespace ccai::cli
