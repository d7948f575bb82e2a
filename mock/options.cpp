#include "options.hpp"

#include <iostream>
#include <random>

#include <CLI/CLI.hpp>

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
}  // namespace

std::optional<MockOptions> parse_options(int argc, char** argv, int& exit_code) {
    MockOptions o;
    CLI::App app{"ccai-mock: a local stand-in for the Kore.ai CCAI API (all catalog operations, in memory)"};
    std::string rate = "60/1m", latency;
    std::optional<std::uint64_t> seed;
    app.add_option("--host", o.host, "address to bind")->capture_default_str();
    app.add_option("--port", o.port, "port to listen on (0 = a free one)")->capture_default_str();
    app.add_option("--client-id", o.client_id, "client id accepted as the JWT appId")->capture_default_str();
    app.add_option("--client-secret", o.client_secret, "secret the JWT must be signed with")->capture_default_str();
    app.add_option("--rate-limit", rate, "rolling window(s) per account, e.g. 60/1m,1800/1h; 'none' disables")
        ->capture_default_str();
    app.add_flag("--retry-after", o.retry_after, "add a Retry-After header (seconds, rounded up) to 429 answers");
    app.add_flag("--count-rejected", o.count_rejected, "rejected calls count against the window too");
    app.add_option("--latency", latency, "delay every accepted call: MS or MIN-MAX (uniform)");
    app.add_option("--fail-rate", o.fail_rate, "probability of answering 503 before the handler runs")
        ->check(CLI::Range(0.0, 1.0));
    app.add_option("--drop-rate", o.drop_rate, "probability of dropping the connection before the handler runs")
        ->check(CLI::Range(0.0, 1.0));
    app.add_option("--drop-after-rate", o.drop_after_rate,
                   "probability of running the handler and then dropping the connection (state changed, no answer)")
        ->check(CLI::Range(0.0, 1.0));
    app.add_option("--seed", seed, "seed of the fault dice (repeatable runs)");
    app.add_option("--log", o.log_file, "append one JSON line per request to this file");
    app.add_option("--threads", o.threads, "worker threads (simultaneous connections)")->capture_default_str();
    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        exit_code = app.exit(e);
        return std::nullopt;
    }
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
    o.seed_given = seed.has_value();
    o.seed = seed ? *seed : std::random_device{}();
    if (o.threads < 4) o.threads = 4;
    return o;
}

}  // namespace ccai::mock
