// The pure slot computation shared by the memory and file backends (the redis Lua script mirrors it).
// Two rules decide a slot. A GCRA-style theoretical arrival time spreads calls evenly: after a small
// burst, grants are one interval apart (the windows' average rate), so the service never sees a spike.
// A log of grant times mirrors the server's rolling windows and is the hard bound: a bucket alone allows
// bursts that a rolling window later rejects, a log cannot.
#include <algorithm>
#include <ctime>

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

int default_burst(const std::vector<RateWindow>& windows) {
    int b = 0;
    for (const auto& w : windows) {
        const int tenth = (std::max(1, w.limit) + 9) / 10;
        b = b == 0 ? tenth : std::min(b, tenth);
    }
    return std::max(1, b);
}

int burst_of(const PacerOptions& o) { return o.burst > 0 ? o.burst : default_burst(o.windows); }

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

namespace {
// The earliest time the burst allowance permits a grant.
TimePoint paced_slot(const PacerState& s, Duration interval, int burst, TimePoint now) {
    return std::max(now, s.tat - (burst - 1) * interval);
}


// The earliest time the penalty and the rolling windows permit a grant.
TimePoint held_until(const PacerState& s, const std::vector<RateWindow>& windows, double margin) {
    TimePoint t = s.penalty_until;
    const auto& g = s.grants;  // ascending
    for (const auto& w : windows) {
        const auto n = static_cast<long>(g.size());
        // "fewer than limit grants in (t - W, t]" <=> the limit-th most recent grant is at or before t - W.
        if (n >= w.limit) t = std::max(t, g[static_cast<size_t>(n - w.limit)] + effective_window(w, margin));
    }
    return t;
}
}  // namespace

TimePoint next_slot(const PacerState& s, const std::vector<RateWindow>& windows, double margin, int burst,
                    TimePoint now) {
    // Every constraint is a lower bound on t that does not depend on t, so one pass of max() suffices.
    return std::max(paced_slot(s, spacing_of(windows, margin), burst, now), held_until(s, windows, margin));
}

void reserve_slot(PacerState& s, const std::vector<RateWindow>& windows, double margin, int burst, TimePoint slot,
                  TimePoint now, TimePoint held_till) {
    const auto interval = spacing_of(windows, margin);
    // Held back by the windows or the penalty: the slot lies past what the allowance permits, or, for a
    // caller that waited for its slot before reserving it (a bulk call), they held it until within the
    // last interval, later than the allowance would have.
    const bool held = slot > paced_slot(s, interval, burst, now) ||
                      (held_till > now - interval && held_till > s.tat - (burst - 1) * interval);
    s.tat = held ? slot + burst * interval : std::max(s.tat, slot) + interval;
    put_grant(s, slot);
    if (slot <= now) s.sent = std::max(s.sent, slot);
}

TimePoint confirm_slot(const PacerState& s, const std::vector<RateWindow>& windows, double margin, TimePoint at) {
    TimePoint t = std::max(at, s.penalty_until);
    if (s.sent != TimePoint{}) t = std::max(t, s.sent + spacing_of(windows, margin));
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

Duration plausible_lead(const PacerOptions& o) {
    return longest_window(o.windows, o.margin) + std::max(o.max_penalty, kLongestWait) +
           burst_of(o) * spacing_of(o.windows, o.margin);
}

std::string implausible(const PacerState& s, TimePoint now, Duration lead) {
    const auto latest = std::max({s.penalty_until, s.tat, s.sent, s.grants.empty() ? TimePoint{} : s.grants.back()});
    if (latest <= now + lead) return "";
    const char* what = latest == s.penalty_until ? "a penalty" : latest == s.tat ? "the spacing" : "a grant";
    return fmt::format("{} {} ahead, more than any wait or penalty allows", what, fmt_seconds(latest - now));
}

Duration reservation_horizon(const PacerOptions& /*o*/, Priority priority) {
    return priority == Priority::bulk ? Duration(0) : Duration::max();
}

Attempt try_reserve(PacerState& s, const PacerOptions& o, TimePoint now, Duration budget_left, Duration horizon) {
    // Before pruning: the grant that held a waiting bulk call back leaves the window the moment it may go.
    const auto held_till = held_until(s, o.windows, o.margin);
    prune(s, o.windows, o.margin, now);
    Attempt a;
    a.slot = next_slot(s, o.windows, o.margin, burst_of(o), now);
    a.penalized = s.penalty_until >= a.slot;
    if (a.slot - now > budget_left) a.outcome = Attempt::refused;
    else if (a.slot - now > horizon) a.outcome = Attempt::deferred;
    else reserve_slot(s, o.windows, o.margin, burst_of(o), a.slot, now, held_till);
    return a;
}

ApiError beyond_budget(Duration wait, Duration budget, bool penalized) {
    const auto at = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now() +
                                                         std::chrono::duration_cast<std::chrono::system_clock::duration>(wait));
    std::tm tm{};
    ::gmtime_r(&at, &tm);
    char when[16];
    std::strftime(when, sizeof when, "%H:%M:%S", &tm);
    ApiError e;
    e.kind = ErrorKind::rate_limited;
    e.retryable = false;             // waiting is what the budget refuses: the caller decides what next
    e.maybe_reached_server = false;  // nothing was sent
    e.retry_after = std::chrono::ceil<std::chrono::milliseconds>(wait);
    e.message = fmt::format("pacer: the account's next slot is in {} (at {} UTC), past this call's wait budget of {} "
                            "(max_wait): {}", fmt_seconds(wait), when, fmt_seconds(budget),
                            penalized ? "the account pauses after a rate-limit rejection"
                                      : "the rate limit's windows and the calls queued ahead leave no earlier slot");
    return e;
}

bool take_grant(PacerState& s, TimePoint t) {
    const auto it = std::lower_bound(s.grants.begin(), s.grants.end(), t);
    if (it == s.grants.end() || *it != t) return false;
    s.grants.erase(it);
    return true;
}

void put_grant(PacerState& s, TimePoint t, Duration credit) {
    s.grants.insert(std::upper_bound(s.grants.begin(), s.grants.end(), t - credit), t - credit);
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
            {"burst", burst_of(o)},
            {"interval_ms", std::chrono::duration<double, std::milli>(spacing_of(o.windows, o.margin)).count()},
            {"next_free_in_ms", duration_cast<milliseconds>(std::max(Duration(0), next_free)).count()},
            {"penalty_ms", duration_cast<milliseconds>(std::max(Duration(0), penalty)).count()}};
}

std::string fmt_seconds(Duration d) { return fmt::format("{:.1f}s", std::chrono::duration<double>(d).count()); }

}  // namespace ccai::detail

namespace ccai {
std::string_view to_string(Priority p) { return p == Priority::bulk ? "bulk" : "interactive"; }
}  // namespace ccai
