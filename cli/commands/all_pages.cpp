// `<group> list --all`: every page, streamed as JSON Lines (or through --jq, item by item), one page in
// memory at a time.
#include <cstdio>

#include <fmt/format.h>

#include "ccai/pagination.hpp"
#include "exit_codes.hpp"
#include "flag_names.hpp"
#include "commands/operation_runner.hpp"
#include "output.hpp"

namespace ccai::cli {

int run_all_pages(const EndpointSpec& spec, const CallArgs& args, const Context& c, long long max_items) {
    // Streaming the row formats needs columns fixed before the last page is seen; until then they are
    // refused rather than silently replaced by JSON Lines.
    if (const auto& o = c.flags.output; !o.empty() && o != "json" && o != "jsonl")
        return c.fail(invalid_input(fmt::format(
            "--all prints JSON Lines, one item a line; -o {} does not combine with it: use -o jsonl (or --jq), "
            "or convert the lines, e.g. with jq -r '[.a, .b] | @csv'", o)));
    if (c.flags.dry_run) return run_operation(spec, args, c);  // shows the first page's request
    auto config = load_config(c);
    if (!config) return c.fail(config.error());
    // Everything is checked before the first page goes out, like a single call.
    if (auto first = build_request(spec, args, *config); !first) return c.fail(with_flag_names(first.error()));
    auto session = open_session(c, *config);
    if (!session) return c.fail(session.error());
    const auto fields = split_fields(c.flags.fields);
    std::optional<std::string> jq_error;
    auto stats = for_each_item(
        *session->client, spec, args,
        [&](const nlohmann::json& item) {
            // --jq runs on each item as it comes (whole pages are never gathered): the first error stops the walk.
            if (c.jq) {
                jq_error = print_jq(c.console.out, *c.jq, item);
                return !jq_error;
            }
            print_line(c.console.out, select_fields(item, fields));
            return true;
        },
        max_items);
    std::fflush(c.console.out);
    if (!stats) return c.fail(stats.error());
    if (jq_error) return jq_failed(c, *jq_error);
    if (c.flags.verbose) std::fprintf(c.console.err, "* --all: %lld items in %lld pages\n", stats->items, stats->pages);
    return kOk;
}

}  // namespace ccai::cli
