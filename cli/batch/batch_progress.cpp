#include "batch/batch_progress.hpp"

#include <algorithm>
#include <cstdio>

#include <fmt/format.h>

#include "ccai/pacer.hpp"

namespace ccai::cli {

std::string format_duration(double s) {
    const auto t = static_cast<long long>(s + 0.5);
    if (t >= 3600) return fmt::format("{}h{:02}m", t / 3600, t % 3600 / 60);
    if (t >= 60) return fmt::format("{}m{:02}s", t / 60, t % 60);
    return fmt::format("{}s", t);
}

BatchProgress::BatchProgress(bool enabled, const std::string& rate_limit, std::FILE* err) : enabled_(enabled), err_(err) {
    if (auto windows = parse_rate_limits(rate_limit); windows && !windows->empty()) {
        per_second_ = 1e9;
        for (const auto& w : *windows)
            per_second_ = std::min(per_second_, w.limit / std::chrono::duration<double>(w.window).count());
    }
}

void BatchProgress::update(const batch::Progress& p) {
    if (!enabled_) return;
    std::lock_guard lock(mu_);
    const auto now = std::chrono::steady_clock::now();
    if (done_at_start_ < 0) done_at_start_ = p.done - p.sent_this_run;
    if (drawn_ && now - last_ < std::chrono::milliseconds(200) && p.done != p.total) return;
    last_ = now;
    const double elapsed = std::chrono::duration<double>(now - start_).count();
    const double observed = elapsed > 0 ? static_cast<double>(p.sent_this_run) / elapsed : 0;
    const auto remaining = static_cast<double>(p.total - p.done);
    // The pacer's limit bounds the rate; slow responses can only make it lower than that.
    const double rate = observed > 0 ? std::min(observed, per_second_) : per_second_;
    std::fprintf(err_, "\r\x1b[Kbatch: %lld/%lld done (%lld failed, %lld in doubt, %lld invalid)  %.1f/min  ETA %s  %lld retries",
                 p.done, p.total, p.failed, p.in_doubt, p.invalid, observed * 60, format_duration(remaining / rate).c_str(),
                 p.retries);
    std::fflush(err_);
    drawn_ = true;
}

void BatchProgress::clear() {
    std::lock_guard lock(mu_);
    if (!drawn_) return;
    std::fprintf(err_, "\r\x1b[K");
    drawn_ = false;
}

std::string BatchProgress::summary_text(const batch::Summary& s, double seconds) {
    const auto& c = s.counts;
    std::string text = fmt::format("batch: {}/{} ok, {} failed, {} in doubt, {} invalid", c.ok, c.total, c.failed,
                                   c.in_doubt, c.invalid);
    if (s.not_started) text += fmt::format(", {} not started (interrupted: rerun with --resume)", s.not_started);
    text += fmt::format("; {} sent in {}", c.sent_this_run, format_duration(seconds));
    if (c.retries) text += fmt::format(", {} retries", c.retries);
    return text;
}

}  // namespace ccai::cli
