#pragma once
// What a batch shows on stderr: a live progress line on a terminal, a summary at the end.
#include <chrono>
#include <cstdio>
#include <deque>
#include <functional>
#include <mutex>
#include <string>

#include "ccai/batch.hpp"

namespace ccai::cli {

/// Redraws one stderr line at most a few times a second; silent unless enabled (stderr is a terminal).
///
/// The rate is the recent one: lines finished in the last kWindow, over that window (at least kMinSpan of
/// it, so the first seconds, when the pacer's burst allowance lets several lines go at once, do not show a
/// rate the run cannot keep). The ETA takes the lower of that rate and the pacer's limit. While the pacer
/// holds every call back for a while, the line says so instead of looking stuck.
class BatchProgress {
public:
    using Clock = std::chrono::steady_clock;
    using Now = std::function<Clock::time_point()>;
    static constexpr std::chrono::seconds kWindow{60};
    static constexpr std::chrono::seconds kMinSpan{10};

    /// `rate_limit` is the profile's spec ("60/1m"): the ETA assumes the pacer's strictest window.
    BatchProgress(bool enabled, const std::string& rate_limit, std::FILE* err, Now now = Clock::now);
    void update(const batch::Progress& p);
    /// The pacer makes a call wait `d` (ClientOptions::on_wait).
    void waiting(Duration d);
    /// Redraws the line when the pacer's wait is what it shows (once a second from a timer).
    void tick();
    /// Clears the live line (before the summary or an error).
    void clear();

    /// Lines finished per minute, recently (see the class); negative while too few have finished.
    [[nodiscard]] double recent_per_minute();

    /// "batch: 4998/5000 ok, 2 failed, 0 in doubt, 0 invalid, 3 skipped; 4995 sent in 1h23m".
    static std::string summary_text(const batch::Summary& s, double seconds);

private:
    double rate_locked(Clock::time_point now);
    void draw_locked(Clock::time_point now);

    bool enabled_;
    std::FILE* err_;
    Now now_;
    double per_second_ = 1.0;  // the strictest window's rate
    Clock::time_point start_;
    Clock::time_point last_draw_{};
    Clock::time_point wait_until_{};  // the latest wait the pacer announced; cleared by a finished line
    std::deque<Clock::time_point> finished_;  // this run's sends in the last kWindow
    long long sent_seen_ = 0;
    batch::Progress last_{};
    bool have_progress_ = false;
    bool drawn_ = false;
    std::mutex mu_;
};

}  // namespace ccai::cli
