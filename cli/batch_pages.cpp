// `<group> list --all`: every page, streamed as JSON Lines, one page in memory at a time.
#include <cstdio>

#include "ccai/pagination.hpp"
#include "exit_codes.hpp"
#include "operation_runner.hpp"
#include "output.hpp"

namespace ccai::cli {

int run_all_pages(const EndpointSpec& spec, const CallArgs& args, const GlobalFlags& flags, long long max_items) {
    if (flags.dry_run) return run_operation(spec, args, flags);  // shows the first page's request
    auto config = load_config(flags);
    if (!config) return report_error(config.error());
    // Everything is checked before the first page goes out, like a single call.
    if (auto first = build_request(spec, args, *config); !first) return report_error(first.error());
    auto session = open_session(flags, *config);
    if (!session) return report_error(session.error());
    const auto fields = split_fields(flags.fields);
    auto stats = for_each_item(
        *session->client, spec, args,
        [&](const nlohmann::json& item) {
            print_line(stdout, select_fields(item, fields));
            return true;
        },
        max_items);
    std::fflush(stdout);
    if (!stats) return report_error(stats.error());
    if (flags.verbose)
        std::fprintf(stderr, "* --all: %lld items in %lld pages\n", stats->items, stats->pages);
    return kOk;
}

}  // namespace ccai::cli
