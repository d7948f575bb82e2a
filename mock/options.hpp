#pragma once
// Command-line options of ccai-mock.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "ccai/pacer.hpp"

namespace ccai::mock {

struct MockOptions {
    std::string host = "127.0.0.1";
    int port = 0;  ///< 0: pick a free port
    std::string client_id = "cs-mock";
    std::string client_secret = "mock-secret";
    std::vector<RateWindow> windows{RateWindow{60, std::chrono::minutes(1)}};  ///< empty: no limit
    bool retry_after = false;     ///< send Retry-After on 429
    bool count_rejected = false;  ///< rejected calls take a slot of the window too
    int latency_min_ms = 0;
    int latency_max_ms = 0;
    double fail_rate = 0;        ///< answer 503 before the handler runs
    double drop_rate = 0;        ///< drop the connection before the handler runs
    double drop_after_rate = 0;  ///< run the handler, then drop the connection (outcome unknown to the client)
    std::uint64_t seed = 0;
    bool seed_given = false;
    std::string log_file;
    int threads = 128;
    long long list_items = 37;  ///< items in the read-only families' paged lists: not a multiple of common page sizes
};

/// Parses argv; on error or --help returns nullopt after printing (exit code in `exit_code`).
std::optional<MockOptions> parse_options(int argc, char** argv, int& exit_code);

/// "60/1m,1800/1h" -> windows; "none" -> empty. Error text in `error`.
std::optional<std::vector<RateWindow>> parse_rate_option(const std::string& text, std::string& error);

}  // namespace ccai::mock
