// The proxy's stats file, written periodically (see stats_writer.hpp).
#include "proxy/stats_writer.hpp"

#include <ctime>

#include <fmt/format.h>

#include "ccai/proxy_stats.hpp"

namespace ccai::cli::proxy {

namespace {
std::string utc(std::chrono::system_clock::time_point t) {
    const auto secs = std::chrono::system_clock::to_time_t(t);
    std::tm tm{};
    ::gmtime_r(&secs, &tm);
    char text[32];
    std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return text;
}
}  // namespace

nlohmann::json stats_json(const std::string& listen, std::chrono::system_clock::time_point started,
                          std::chrono::system_clock::time_point now, const MetricsTotals& t) {
    return {{"listen", listen},
            {"started_at", utc(started)},
            {"updated_at", utc(now)},
            {"totals",
             {{"requests", t.requests},
              {"paced", t.paced},
              {"pacer_wait_seconds", std::chrono::duration<double>(t.pacer_wait).count()},
              {"rejections", t.rejections},
              {"retries", t.retries},
              {"cache_hits", t.cache_hits},
              {"cache_misses", t.cache_misses}}}};
}

StatsWriter::StatsWriter(const PacerOptions& where, const ProxyMetrics& metrics, std::FILE* err)
    : metrics_(metrics), err_(err) {
    where_.scope = where.scope;
    where_.dir = where.dir;
    where_.dir_shared = where.dir_shared;
}

void StatsWriter::start(const std::string& listen, std::chrono::milliseconds period) {
    {
        std::lock_guard lock(mu_);
        listen_ = listen;
    }
    write();
    thread_ = std::thread([this, period] {
        std::unique_lock lock(mu_);
        while (!cv_.wait_for(lock, period, [this] { return stopping_; })) {
            lock.unlock();
            write();
            lock.lock();
        }
    });
}

void StatsWriter::stop() {
    {
        std::lock_guard lock(mu_);
        if (stopping_) return;
        stopping_ = true;
    }
    cv_.notify_all();
    if (thread_.joinable()) {
        thread_.join();
        write();  // the final totals
    }
}

void StatsWriter::write() {
    std::string listen;
    {
        std::lock_guard lock(mu_);
        listen = listen_;
    }
    auto r = write_proxy_stats(where_, stats_json(listen, started_, std::chrono::system_clock::now(), metrics_.totals()));
    std::lock_guard lock(mu_);
    if (!r && !warned_) {
        warned_ = true;
        std::fprintf(err_, "warning: proxy: the stats for `ccai-cli pacer status` cannot be written: %s\n",
                     r.error().message.c_str());
    }
}

}  // namespace ccai::cli::proxy
