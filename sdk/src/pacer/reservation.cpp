// The pure slot computation shared by the memory and file backends (the redis Lua script mirrors it).
// We mirror the server's rolling windows with a log of grant times instead of a token bucket: a bucket
// allows bursts that a rolling window later rejects, a log cannot. The windows are the hard bound; while
// they have room, grants need only the minimum gap (a fraction of the even spacing) between them, so the
// free capacity is used without ever sending an instantaneous burst.
#include <algorithm>

#include <fmt/format.h>

#include "pacer/internal.hpp"

namespace ccai::detail {

Duration effective_window(const RateWindow& w, double margin) {
    return Duration(static_cast<Duration::rep>(static_cast<double>(w.window.count()) * (1.0 + margin)));
}

Duration spacing_of(const std::vector<RateWindow>& windows, double margin) {
    Duration s{1};
    for (const auto& w : windows) s = std::max(s, effective_window(w, margin) / std::max(1, w.limit));
    return s;
}

Duration min_gap_of(const std::vector<RateWindow>& windows, double margin, double min_gap_fraction) {
    const auto gap = static_cast<double>(spacing_of(windows, margin).count()) * min_gap_fraction;
    return std::max(Duration{1}, Duration(static_cast<Duration::rep>(gap)));
}

Duration longest_window(const std::vector<RateWindow>& windows, double margin) {
    Duration l{0};
    for (const auto& w : windows) l = std::max(l, effective_window(w, margin));
    return l;
}

Duration answered_credit(const std::vector<RateWindow>& windows, double margin) {
    if (windows.empty() || margin <= kClockSlew) return Duration(0);
    Duration shortest = windows.front().window;
    for (const auto& w : windows) shortest = std::min(shortest, w.window);
    return Duration(static_cast<Duration::rep>(static_cast<double>(shortest.count()) * (margin - kClockSlew)));
}

TimePoint next_slot(const PacerState& s, const std::vector<RateWindow>& windows, double margin,
                    double min_gap_fraction, TimePoint now) {
    // Every constraint is a lower bound on t that does not depend on t, so one pass of max() suffices.
    TimePoint t = std::max(now, s.penalty_until);
    const auto& g = s.grants;  // ascending
    // The gap runs from the latest slot or completion as it happened (a file written before `last` existed
    // has only the log).
    const auto last = g.empty() ? s.last : std::max(s.last, g.back());
    t = std::max(t, last + min_gap_of(windows, margin, min_gap_fraction));
    for (const auto& w : windows) {
        const auto n = static_cast<long>(g.size());
        // "fewer than limit grants in (t - W, t]" <=> the limit-th most recent grant is at or before t - W.
        if (n >= w.limit) t = std::max(t, g[static_cast<size_t>(n - w.limit)] + effective_window(w, margin));
    }
    return t;
}

TimePoint confirm_slot(const PacerState& s, const std::vector<RateWindow>& windows, double margin, TimePoint at) {
    TimePoint t = std::max(at, s.penalty_until);
    const auto& g = s.grants;  // ascending
    const auto past_end = std::upper_bound(g.begin(), g.end(), at);
    for (const auto& w : windows) {
        const auto W = effective_window(w, margin);
        const auto from = std::upper_bound(g.begin(), past_end, at - W);  // first grant in (at - W, at]
        const auto n = past_end - from;
        // Fewer than limit of these may remain in the window: the (n - limit)-th must leave it first.
        if (n >= w.limit) t = std::max(t, *(from + (n - w.limit)) + W);
    }
    return t;
}

bool take_grant(PacerState& s, TimePoint t) {
    const auto it = std::lower_bound(s.grants.begin(), s.grants.end(), t);
    if (it == s.grants.end() || *it != t) return false;
    s.grants.erase(it);
    return true;
}

void put_grant(PacerState& s, TimePoint t, Duration credit) {
    s.grants.insert(std::upper_bound(s.grants.begin(), s.grants.end(), t - credit), t - credit);
    s.last = std::max(s.last, t);
}

void prune(PacerState& s, const std::vector<RateWindow>& windows, double margin, TimePoint now) {
    const auto horizon = now - longest_window(windows, margin);
    const auto keep = std::upper_bound(s.grants.begin(), s.grants.end(), horizon);
    s.grants.erase(s.grants.begin(), keep);
}

int grants_in_window(const PacerState& s, const RateWindow& w, double margin, TimePoint t) {
    const auto from = t - effective_window(w, margin);
    return static_cast<int>(std::count_if(s.grants.begin(), s.grants.end(),
                                          [&](TimePoint g) { return g > from; }));
}

void fill_conservatively(PacerState& s, const std::vector<RateWindow>& windows, TimePoint now) {
    int limit = windows.empty() ? 1 : windows.front().limit;
    for (const auto& w : windows) limit = std::min(limit, w.limit);
    s.grants.assign(static_cast<size_t>(limit), now);
    s.penalty_until = std::max(s.penalty_until, now);
    s.last = std::max(s.last, now);
}

nlohmann::json status_json(const PacerOptions& o, const std::string& backend, const std::vector<int>& counts,
                           Duration next_free, Duration penalty) {
    auto limits = nlohmann::json::array();
    for (size_t i = 0; i < o.windows.size(); ++i) {
        const auto& w = o.windows[i];
        limits.push_back({{"limit", w.limit},
                          {"window_seconds", std::chrono::duration<double>(w.window).count()},
                          {"grants_in_window", i < counts.size() ? counts[i] : 0}});
    }
    using std::chrono::duration_cast;
    using std::chrono::milliseconds;
    return {{"backend", backend},
            {"scope", o.scope},
            {"limits", limits},
            {"margin", o.margin},
            {"min_gap_ms", std::chrono::duration<double, std::milli>(min_gap_of(o.windows, o.margin, o.min_gap_fraction)).count()},
            {"next_free_in_ms", duration_cast<milliseconds>(std::max(Duration(0), next_free)).count()},
            {"penalty_ms", duration_cast<milliseconds>(std::max(Duration(0), penalty)).count()}};
}

std::string fmt_seconds(Duration d) { return fmt::format("{:.1f}s", std::chrono::duration<double>(d).count()); }

}  // namespace ccai::detail
