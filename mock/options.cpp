#include "options.hpp"

#include <charconv>
#include <iostream>
#include <random>

#include "command.hpp"

namespace ccai::mock {

std::optional<std::vector<RateWindow>> parse_rate_option(const std::string& text, std::string& error) {
    if (text == "none" || text == "off" || text == "0") return std::vector<RateWindow>{};
    auto parsed = parse_rate_limits(text);
    if (!parsed) {
        error = parsed.error().message;
        return std::nullopt;
    }
    return *parsed;
}

namespace {
bool parse_latency(const std::string& text, int& lo, int& hi) {
    try {
        const auto dash = text.find('-');
        size_t used = 0;
        lo = std::stoi(text.substr(0, dash), &used);
        hi = dash == std::string::npos ? lo : std::stoi(text.substr(dash + 1));
        return lo >= 0 && hi >= lo;
    } catch (const std::exception&) {
        return false;
    }
}

std::optional<std::uint64_t> parse_seed(const std::string& text) {
    std::uint64_t value = 0;
    const auto* end = text.data() + text.size();
    const auto [at, ec] = std::from_chars(text.data(), end, value);
    if (ec != std::errc() || at != end) return std::nullopt;
    return value;
}
}  // namespace

std::optional<MockOptions> parse_options(int argc, char** argv, int& exit_code) {
    MockOptions o;
    cli::CommandParser parser("ccai-mock",
                              "ccai-mock: a local stand-in for the Kore.ai CCAI API (all catalog operations, in memory)");
    auto root = parser.root();
    std::string rate = "60/1m", latency, seed;
    root.option("--host", o.host, "address to bind").show_default();
    root.option("--port", o.port, "port to listen on (0 = a free one)").range(0, 65535).show_default();
    root.option("--client-id", o.client_id, "client id accepted as the JWT appId").show_default();
    root.option("--client-secret", o.client_secret, "secret the JWT must be signed with").show_default();
    root.option("--rate-limit", rate, "rolling window(s) per account, e.g. 60/1m,1800/1h; 'none' disables").show_default();
    root.flag("--retry-after", o.retry_after, "add a Retry-After header (seconds, rounded up) to 429 answers");
    root.flag("--count-rejected", o.count_rejected, "rejected calls count against the window too");
    root.option("--latency", latency, "delay every accepted call: MS or MIN-MAX (uniform)");
    root.option("--fail-rate", o.fail_rate, "probability of answering 503 before the handler runs").range(0.0, 1.0);
    root.option("--drop-rate", o.drop_rate, "probability of dropping the connection before the handler runs")
        .range(0.0, 1.0);
    root.option("--drop-after-rate", o.drop_after_rate,
                "probability of running the handler and then dropping the connection (state changed, no answer)")
        .range(0.0, 1.0);
    root.option("--seed", seed, "seed of the fault dice (repeatable runs)").type_name("UINT");
    root.option("--log", o.log_file, "append one JSON line per request to this file");
    root.option("--list-items", o.list_items, "items in each synthetic paged list (conversations, analytics, WFM)")
        .range(0, 10000000)
        .show_default();
    root.option("--threads", o.threads, "worker threads (simultaneous connections)").range(1, 4096).show_default();
    const auto parsed = parser.parse(argc, argv);
    if (parsed.kind == cli::ParseOutcome::Kind::printed) {  // --help
        std::cout << parsed.out;
        std::cerr << parsed.err;
        exit_code = parsed.exit_code;
        return std::nullopt;
    }
    if (parsed.kind == cli::ParseOutcome::Kind::usage_error) {
        std::cerr << "ccai-mock: " << parsed.message << "\nRun with --help for the options.\n";
        exit_code = 2;
        return std::nullopt;
    }
    if (!seed.empty()) {
        const auto value = parse_seed(seed);
        if (!value) {
            std::cerr << "ccai-mock: --seed wants an unsigned integer, got '" << seed << "'\n";
            exit_code = 2;
            return std::nullopt;
        }
        o.seed = *value;
    }
    o.seed_given = !seed.empty();
    if (!o.seed_given) o.seed = std::random_device{}();
    std::string error;
    auto windows = parse_rate_option(rate, error);
    if (!windows) {
        std::cerr << "ccai-mock: --rate-limit: " << error << "\n";
        exit_code = 2;
        return std::nullopt;
    }
    o.windows = *windows;
    if (!latency.empty() && !parse_latency(latency, o.latency_min_ms, o.latency_max_ms)) {
        std::cerr << "ccai-mock: --latency wants MS or MIN-MAX, got '" << latency << "'\n";
        exit_code = 2;
        return std::nullopt;
    }
    if (o.threads < 4) o.threads = 4;
    return o;
}

}  // namespace ccai::mock
