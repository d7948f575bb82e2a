// `<group> list --all`: every page, streamed in the chosen format (JSON Lines by default) or through --jq
// item by item, one page in memory at a time.
#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>

#include <fmt/format.h>

#include "ccai/pagination.hpp"
#include "exit_codes.hpp"
#include "flag_names.hpp"
#include "missing_settings.hpp"
#include "commands/operation_runner.hpp"
#include "output.hpp"
#include "output/item_stream.hpp"

namespace ccai::cli {

int run_all_pages(const EndpointSpec& spec, const CallArgs& args, const Context& c, long long max_items) {
    if (c.flags.dry_run) return run_operation(spec, args, c);  // shows the first page's request
    auto config = load_config(c);
    if (!config) return c.fail(config.error());
    if (const auto missing = missing_settings(*config, spec, args, true)) return c.fail(*missing);
    // Everything is checked before the first page goes out, like a single call.
    if (auto first = build_request(spec, args, *config); !first) return c.fail(with_flag_names(first.error()));
    auto session = open_session(c, *config);
    if (!session) return c.fail(session.error());
    // -o, else the `output` setting, else JSON Lines: a stream's natural form, and what --all always printed.
    const auto setting = config->get("output");
    auto options = output_options(c, setting);
    if (c.flags.output.empty() && setting.empty()) options.format = "jsonl";
    ItemStream stream(c.console.out, c.console.err, options);
    long long printed = 0;
    bool started = false;
    std::optional<std::string> jq_error;
    auto stats = for_each_page(*session->client, spec, args, [&](const nlohmann::json&, const nlohmann::json& items) {
        const auto room = max_items > 0 ? max_items - printed : static_cast<long long>(items.size());
        const auto take = std::min(room, static_cast<long long>(items.size()));
        if (!started) {
            started = true;
            // Columns come from the items that will be printed: --max-items may cut the first page.
            if (take < static_cast<long long>(items.size()))
                stream.start(nlohmann::json(items.begin(), items.begin() + take));
            else stream.start(items);
        }
        for (long long i = 0; i < take; ++i) {
            // The first --jq error stops the walk.
            if ((jq_error = stream.item(items[static_cast<std::size_t>(i)]))) return false;
            ++printed;
            if (stream.failed()) return false;  // a closed pipe: not one more item, not one more page
        }
        std::fflush(c.console.out);  // a page at a time to whoever reads the pipe
        if (stream.failed()) return false;
        return max_items <= 0 || printed < max_items;
    });
    // A later page's failure still closes what was printed (a json array stays valid); the exit code tells.
    // When the first page failed, nothing was printed.
    if (started) stream.finish();
    if (stream.failed()) return output_failed(c, "--all: the output could not be written ({}); no more pages were fetched");
    if (!stats) return c.fail(stats.error());
    if (jq_error) return jq_failed(c, *jq_error);
    if (c.flags.verbose) std::fprintf(c.console.err, "* --all: %lld items in %lld pages\n", printed, stats->pages);
    return kOk;
}

}  // namespace ccai::cli
