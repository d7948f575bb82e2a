#pragma once
// Keeps the proxy's stats file beside the pacer state up to date (ccai/proxy_stats.hpp), so `ccai-cli pacer
// status` on the same scope shows the proxy's traffic: once a second while it serves, and once more when it
// stops.
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <mutex>
#include <string>
#include <thread>

#include <nlohmann/json.hpp>

#include "ccai/pacer.hpp"
#include "proxy/proxy_metrics.hpp"

namespace ccai::cli::proxy {

/// The stats file's content: where the proxy listens, since when, and its totals.
nlohmann::json stats_json(const std::string& listen, std::chrono::system_clock::time_point started,
                          std::chrono::system_clock::time_point now, const MetricsTotals& totals);

class StatsWriter {
public:
    /// `where`: the pacer's scope and state directory (nothing else of it is kept). Problems are written on
    /// `err` once, as a warning: the proxy serves on without the file.
    StatsWriter(const PacerOptions& where, const ProxyMetrics& metrics, std::FILE* err);
    ~StatsWriter() { stop(); }
    StatsWriter(const StatsWriter&) = delete;
    StatsWriter& operator=(const StatsWriter&) = delete;

    /// Writes now, then every `period` until stop().
    void start(const std::string& listen, std::chrono::milliseconds period = std::chrono::seconds(1));
    /// Writes the final totals and stops the periodic writes (idempotent).
    void stop();

private:
    void write();

    PacerOptions where_;
    const ProxyMetrics& metrics_;
    std::FILE* err_;
    std::chrono::system_clock::time_point started_ = std::chrono::system_clock::now();
    std::string listen_;
    std::mutex mu_;
    std::condition_variable cv_;
    bool stopping_ = false, warned_ = false;
    std::thread thread_;
};

}  // namespace ccai::cli::proxy
