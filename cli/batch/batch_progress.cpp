#include "batch/batch_progress.hpp"

#include <algorithm>
#include <cstdio>

#include <fmt/format.h>

#include "ccai/pacer.hpp"
#include "duration_text.hpp"

namespace ccai::cli {

namespace {

// "1h02m", "3m05s", "42s": whole seconds, the most a progress line or a summary needs.
std::string format_duration(double s) {
    return duration_text(std::chrono::seconds(static_cast<long long>(s + 0.5)));
}

}  // namespace

BatchProgress::BatchProgress(bool enabled, const std::string& rate_limit, std::FILE* err, Now now)
    : enabled_(enabled), err_(err), now_(std::move(now)), start_(now_()) {
    if (auto windows = parse_rate_limits(rate_limit); windows && !windows->empty()) {
        per_second_ = 1e9;
        for (const auto& w : *windows)
            per_second_ = std::min(per_second_, w.limit / std::chrono::duration<double>(w.window).count());
    }
}

double BatchProgress::rate_locked(Clock::time_point now) {
    while (!finished_.empty() && now - finished_.front() >= kWindow) finished_.pop_front();
    if (finished_.size() < 2) return -1;
    const auto span = std::clamp<Clock::duration>(now - std::max(start_, now - kWindow), kMinSpan, kWindow);
    return static_cast<double>(finished_.size()) / std::chrono::duration<double>(span).count() * 60;
}

double BatchProgress::recent_per_minute() {
    std::lock_guard lock(mu_);
    return rate_locked(now_());
}

void BatchProgress::update(const batch::Progress& p) {
    std::lock_guard lock(mu_);
    const auto now = now_();
    for (; sent_seen_ < p.sent_this_run; ++sent_seen_) finished_.push_back(now);
    wait_until_ = {};
    last_ = p;
    have_progress_ = true;
    if (!enabled_) return;
    if (drawn_ && now - last_draw_ < std::chrono::milliseconds(200) && p.done != p.total) return;
    draw_locked(now);
}

void BatchProgress::waiting(Duration d) {
    std::lock_guard lock(mu_);
    const auto now = now_();
    wait_until_ = std::max(wait_until_, now + std::chrono::duration_cast<Clock::duration>(d));
    if (enabled_) draw_locked(now);
}

void BatchProgress::tick() {
    std::lock_guard lock(mu_);
    const auto now = now_();
    if (enabled_ && wait_until_ > now) draw_locked(now);
}

void BatchProgress::draw_locked(Clock::time_point now) {
    last_draw_ = now;
    const auto& p = last_;
    const double per_minute = rate_locked(now);
    const auto remaining = static_cast<double>(p.total - p.done);
    // The pacer's limit bounds the rate; slow responses can only make it lower than that.
    const double per_second = per_minute > 0 ? std::min(per_minute / 60, per_second_) : per_second_;
    std::string line = fmt::format("batch: {}/{} done ({} failed, {} in doubt, {} invalid", p.done, p.total, p.failed,
                                   p.in_doubt, p.invalid);
    if (p.skipped) line += fmt::format(", {} skipped", p.skipped);
    line += ")  ";
    line += per_minute >= 0 ? fmt::format("{:.1f}/min", per_minute) : std::string("--/min");
    if (wait_until_ > now)
        line += fmt::format("  waiting for the pacer: next call in {}", format_duration(std::chrono::duration<double>(wait_until_ - now).count()));
    else line += fmt::format("  ETA {}", format_duration(remaining / per_second));
    if (p.retries) line += fmt::format("  {} retries", p.retries);
    std::fprintf(err_, "\r\x1b[K%s", line.c_str());
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
    if (c.skipped) text += fmt::format(", {} skipped", c.skipped);
    if (s.not_started) text += fmt::format(", {} not started (interrupted: rerun with --resume)", s.not_started);
    text += fmt::format("; {} sent in {}", c.sent_this_run, format_duration(seconds));
    if (c.retries) text += fmt::format(", {} retries", c.retries);
    return text;
}

}  // namespace ccai::cli
