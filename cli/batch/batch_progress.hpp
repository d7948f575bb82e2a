#pragma once
// What a batch shows on stderr: a live progress line on a terminal, a summary at the end.
#include <chrono>
#include <cstdio>
#include <mutex>
#include <string>

#include "ccai/batch.hpp"

namespace ccai::cli {

/// Redraws one stderr line at most a few times a second; silent unless enabled (stderr is a terminal).
class BatchProgress {
public:
    /// `rate_limit` is the profile's spec ("60/1m"): the ETA assumes the pacer's strictest window.
    BatchProgress(bool enabled, const std::string& rate_limit, std::FILE* err);
    void update(const batch::Progress& p);
    /// Clears the live line (before the summary or an error).
    void clear();

    /// "batch: 4998/5000 ok, 2 failed, 0 in doubt, 0 invalid in 1h23m (59.9/min)".
    static std::string summary_text(const batch::Summary& s, double seconds);

private:
    bool enabled_;
    std::FILE* err_;
    double per_second_ = 1.0;  // the strictest window's rate
    std::chrono::steady_clock::time_point start_ = std::chrono::steady_clock::now();
    std::chrono::steady_clock::time_point last_{};
    long long done_at_start_ = -1;
    bool drawn_ = false;
    std::mutex mu_;
};

/// "1h02m", "3m05s", "42s".
std::string format_duration(double seconds);

}  // namespace ccai::cli
