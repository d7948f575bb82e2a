// The pure slot computation shared by the memory and file backends (the redis Lua script mirrors it).
// Two rules decide a slot. A GCRA-style theoretical arrival time spreads calls evenly: after a small
// burst, grants are one interval apart (the windows' average rate), so the service never sees a spike.
// A log of grant times mirrors the server's rolling windows and is the hard bound: a bucket alone allows
// bursts that a rolling window later rejects, a log cannot.
#include <algorithm>
#include <cmath>
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

const RateWindow& pacing_window(const PacerOptions& o) {
    const RateWindow* best = &o.windows.front();
    for (const auto& w : o.windows)
        if (w.window * best->limit > best->window * w.limit) best = &w;  // w.window / w.limit larger, exactly
    return *best;
}

TimePoint next_slot(const PacerState& s, const std::vector<RateWindow>& windows, double margin, int burst,
                    TimePoint now) {
    // Every constraint is a lower bound on t that does not depend on t, so one pass of max() suffices.
    return std::max(paced_slot(s, spacing_of(windows, margin), burst, now), held_until(s, windows, margin));
}

void reserve_slot(PacerState& s, const std::vector<RateWindow>& windows, double margin, int burst, TimePoint slot,
                  TimePoint now, TimePoint held_till, bool bulk) {
    const auto interval = spacing_of(windows, margin);
    // Held back by the windows or the penalty: the slot lies past what the allowance permits, or, for a
    // caller that waited for its slot before reserving it (a bulk call), they held it until within the
    // last interval, later than the allowance would have.
    const bool held = slot > paced_slot(s, interval, burst, now) ||
                      (held_till > now - interval && held_till > s.tat - (burst - 1) * interval);
    s.tat = held ? slot + burst * interval : std::max(s.tat, slot) + interval;
    put_grant(s, slot, Duration(0), bulk);
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
    auto ticket = TimePoint{};
    for (const auto& t : s.tickets) ticket = std::max({ticket, t.expires, t.arrived});
    const auto latest = std::max({s.penalty_until, s.tat, s.sent, s.grants.empty() ? TimePoint{} : s.grants.back(),
                                  s.bulk.empty() ? TimePoint{} : s.bulk.back(), ticket});
    if (latest <= now + lead) return "";
    const char* what = latest == s.penalty_until ? "a penalty" : latest == s.tat ? "the spacing" : latest == ticket ? "a waiting call" : "a grant";
    return fmt::format("{} {} ahead, more than any wait or penalty allows", what, fmt_seconds(latest - now));
}

Duration reservation_horizon(const PacerOptions& /*o*/, Priority priority) {
    return priority == Priority::bulk ? Duration(0) : Duration::max();
}

int bulk_quota(const PacerOptions& o) {
    if (o.windows.empty() || o.bulk_min_share <= 0) return 0;
    const auto& w = pacing_window(o);
    // A hair under the product first: 0.1 x 60 is 6.000000000000001 in binary, and must stay 6.
    return static_cast<int>(std::ceil(o.bulk_min_share * w.limit - 1e-9));
}

int bulk_in_window(const PacerState& s, const PacerOptions& o, TimePoint now) {
    if (o.windows.empty()) return 0;
    const auto from = now - effective_window(pacing_window(o), o.margin);
    return static_cast<int>(s.bulk.end() - std::upper_bound(s.bulk.begin(), s.bulk.end(), from));
}

bool bulk_owed(const PacerState& s, const PacerOptions& o, TimePoint now) {
    return bulk_in_window(s, o, now) < bulk_quota(o);
}

TimePoint bulk_owed_at(const PacerState& s, const PacerOptions& o, TimePoint now) {
    const int quota = bulk_quota(o);
    if (quota <= 0) return TimePoint::max();
    const auto w = effective_window(pacing_window(o), o.margin);
    const auto first = std::upper_bound(s.bulk.begin(), s.bulk.end(), now - w);
    const auto n = s.bulk.end() - first;
    if (n < quota) return now;
    // Fewer than quota remain once the (n - quota)-th of them has left the window.
    return *(first + (n - quota)) + w;
}

Attempt try_reserve(PacerState& s, const PacerOptions& o, TimePoint now, Duration budget_left, const Caller& c) {
    // Before pruning: the grant that held a waiting bulk call back leaves the window the moment it may go.
    const auto held_till = held_until(s, o.windows, o.margin);
    prune(s, o.windows, o.margin, now);
    Attempt a;
    const bool bulk = c.priority == Priority::bulk;
    if (c.ticket) {
        a.changed = prune_tickets(s, now, c.alive, c.ticket);
        a.ahead = tickets_ahead(s, *c.ticket);
    }
    const auto slot = next_slot(s, o.windows, o.margin, burst_of(o), now);
    a.penalized = s.penalty_until >= slot;
    // Below their share, bulk calls reserve ahead like interactive ones: a busy shell never starves a batch.
    // Above it, a batch takes only slots free now, so a person's call waits at most about one interval.
    // The share is counted in the window that ends at the slot the call would take: counted at `now`, a
    // slot freed by the share would be reserved only a queue's length later, and the share would shrink by
    // that much in every window.
    const auto horizon = bulk && !bulk_owed(s, o, slot) ? Duration(0) : Duration::max();
    // Each call ahead will take a slot first: the earliest this one may go is about an interval per call on.
    a.slot = slot + a.ahead * spacing_of(o.windows, o.margin);
    const auto leave = [&] {
        if (c.ticket && drop_ticket(s, c.ticket->id)) a.changed = true;
    };
    if (a.slot - now > budget_left) {
        a.outcome = Attempt::refused;
        leave();
    } else if (a.ahead == 0 && slot - now <= horizon) {
        reserve_slot(s, o.windows, o.margin, burst_of(o), slot, now, held_till, bulk);
        a.outcome = Attempt::reserved;
        a.changed = true;
        leave();
    } else {
        a.outcome = Attempt::deferred;
        // The first bulk call in line asks again as soon as bulk falls below its share, should that come
        // before the slot: waiting for the slot would leave the share unused meanwhile.
        if (bulk && a.ahead == 0) {
            // In the slot's terms: the window ending at the slot sheds a bulk grant at owed_at; the slot being
            // as far from now then as it is now, the call asks then.
            const auto owed_at = bulk_owed_at(s, o, slot);
            if (owed_at > slot && now + (owed_at - slot) < a.slot) a.slot = now + (owed_at - slot);
        }
        if (c.ticket) {
            // A live owner asks again at a.slot; one that is stopped or gone stops blocking the line soon after.
            c.ticket->expires = std::min(c.deadline, a.slot + ticket_grace(o));
            if (put_ticket(s, *c.ticket)) a.changed = true;
        }
    }
    return a;
}

Attempt try_reserve(PacerState& s, const PacerOptions& o, TimePoint now, Duration budget_left, Duration horizon) {
    Caller c;
    c.priority = horizon == Duration(0) ? Priority::bulk : Priority::interactive;
    return try_reserve(s, o, now, budget_left, c);
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

namespace {
bool take_time(std::vector<TimePoint>& v, TimePoint t) {
    const auto it = std::lower_bound(v.begin(), v.end(), t);
    if (it == v.end() || *it != t) return false;
    v.erase(it);
    return true;
}
void put_time(std::vector<TimePoint>& v, TimePoint t) { v.insert(std::upper_bound(v.begin(), v.end(), t), t); }
void drop_before(std::vector<TimePoint>& v, TimePoint horizon) {
    v.erase(v.begin(), std::upper_bound(v.begin(), v.end(), horizon));
}
}  // namespace

bool take_grant(PacerState& s, TimePoint t, bool bulk) {
    if (!take_time(s.grants, t)) return false;
    if (bulk) take_time(s.bulk, t);
    return true;
}

void put_grant(PacerState& s, TimePoint t, Duration credit, bool bulk) {
    put_time(s.grants, t - credit);
    if (bulk) put_time(s.bulk, t - credit);
}

void prune(PacerState& s, const std::vector<RateWindow>& windows, double margin, TimePoint now) {
    const auto horizon = now - longest_window(windows, margin);
    drop_before(s.grants, horizon);
    drop_before(s.bulk, horizon);
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
    s.bulk.clear();  // which were bulk is unknown too: the bulk share starts afresh
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
            {"penalty_ms", duration_cast<milliseconds>(std::max(Duration(0), penalty)).count()},
            {"bulk_min_share", o.bulk_min_share},
            {"bulk_quota", bulk_quota(o)}};
}

std::string fmt_seconds(Duration d) { return fmt::format("{:.1f}s", std::chrono::duration<double>(d).count()); }

}  // namespace ccai::detail

namespace ccai {
std::string_view to_string(Priority p) { return p == Priority::bulk ? "bulk" : "interactive"; }

Duration pacer_interval(const std::vector<RateWindow>& windows, double margin) {
    return windows.empty() ? Duration(0) : detail::spacing_of(windows, margin);
}
}  // namespace ccai
