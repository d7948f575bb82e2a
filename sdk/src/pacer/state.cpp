// The Pacer interface implemented once for the memory and file backends, on top of transact().
#include <fmt/format.h>

#include "pacer/internal.hpp"

namespace ccai::detail {

bool sleep_interruptibly(const PacerOptions& o, Clock& clock, TimePoint until) {
    return ccai::sleep_interruptibly(clock, until, o.interruption);
}

bool wait_for_slot(const PacerOptions& o, Clock& clock, TimePoint slot, Duration wait, const std::string& why) {
    if (o.log) o.log(fmt::format("pacer: {} granted, wait {}", why, fmt_seconds(wait)));
    if (wait > std::chrono::seconds(1) && o.on_wait) o.on_wait(wait);
    return sleep_interruptibly(o, clock, slot);
}

ApiError interrupted_while_waiting() {
    ApiError e;
    e.kind = ErrorKind::interrupted;
    e.retryable = false;
    e.maybe_reached_server = false;
    e.message = "interrupted while waiting for the pacer: nothing was sent, and the slot was released";
    return e;
}

Result<Duration> StatePacer::acquire_within(Duration budget, Priority priority) {
    const auto start = clock_->now();
    const bool bulk = priority == Priority::bulk;
    // The call's place in line, should it have to wait unreserved: it arrived when it first asked.
    const auto owner = current_owner();
    Ticket ticket{new_ticket_id(), priority, start, TimePoint{}, owner.pid, owner.started};
    Caller caller{priority, &ticket, budget == Duration::max() || budget > kLongestWait ? start + kLongestWait : start + budget,
                  [](const Ticket& t) { return owner_alive(t); }};
    TimePoint slot{}, reserved_at{};
    // The spacing before and after this call's reservation: a cancelled wait puts it back (release()).
    Spacing spacing;
    bool penalized = false, refused = false;
    for (bool announced = false;;) {
        Attempt a;
        auto r = transact([&](PacerState& s, TimePoint now) {
            reserved_at = now;
            // The budget left is never below 0: a slot free now is granted even with no budget (max_wait 0),
            // whatever the lock took.
            const auto before = s.tat, sent_before = s.sent;
            a = try_reserve(s, o_, now, std::max(Duration(0), budget - (now - start)), caller);
            if (a.outcome == Attempt::reserved) spacing = Spacing{before, s.tat, sent_before, s.sent};
            return a.changed;
        });
        if (!r) {
            leave_line(ticket);
            return r.error();
        }
        slot = a.slot;
        penalized = a.penalized;
        if (a.outcome == Attempt::refused) return beyond_budget(slot - reserved_at, budget - (reserved_at - start), penalized);
        if (a.outcome == Attempt::reserved) break;
        // Wait in line: ask again when the slot comes. Meanwhile it is free for a person's call, which then
        // waits at most one interval behind a batch; and only the oldest waiting bulk call may take it.
        if (!announced && slot - reserved_at > std::chrono::seconds(1) && o_.on_wait) o_.on_wait(slot - reserved_at);
        announced = true;
        log(fmt::format("pacer: {} call: next slot in {}, {} ahead in line, asking again then", to_string(priority),
                        fmt_seconds(slot - reserved_at), a.ahead));
        if (!sleep_interruptibly(o_, *clock_, slot)) {
            leave_line(ticket);
            return interrupted_while_waiting();
        }
    }
    if (slot <= reserved_at) {
        log("pacer: slot granted, no wait");
    } else {
        if (!wait_for_slot(o_, *clock_, slot, slot - reserved_at,
                           penalized ? "slot (after the account's rate-limit penalty)" : "slot"))
            return release(slot, bulk, spacing);
        // The reservation was computed from slots; by now the grants before it have finished and sit at
        // their completion times. Check again and, if one of them ran late, wait for it to leave.
        for (;;) {
            TimePoint at{}, next{};
            auto c = transact([&](PacerState& s, TimePoint now) {
                at = std::max(now, slot);  // never before the slot, whatever the clock says
                take_grant(s, slot, bulk);
                next = confirm_slot(s, o_.windows, o_.margin, at);
                penalized = s.penalty_until >= next;
                // A penalty recorded meanwhile may push the slot past the budget: give it up for the others.
                refused = next > at && next - start > budget;
                if (refused) {
                    give_back_spacing(s, spacing);
                    return true;
                }
                put_grant(s, next, Duration(0), bulk);
                if (next == at) {
                    spacing.sent_before = s.sent;
                    s.sent = std::max(s.sent, at);
                    spacing.sent_after = s.sent;
                }
                return true;
            });
            if (!c) return c.error();
            if (refused) return beyond_budget(next - at, budget - (at - start), penalized);
            slot = next;
            if (next == at) break;
            log(fmt::format("pacer: an earlier request finished or went out late; waiting {} more", fmt_seconds(next - at)));
            if (!wait_for_slot(o_, *clock_, next, next - at, "slot")) return release(next, bulk, spacing);
        }
    }
    in_flight_.put(Held{slot, bulk, spacing});
    return std::max(slot, clock_->now()) - start;
}

void give_back_spacing(PacerState& s, const Spacing& spacing) {
    // Every reservation moves tat forward, so a tat still where this one left it says that nobody reserved
    // after it: the schedule goes back to where it was, and the next call gets this one's time. Otherwise
    // later calls hold slots spaced from this one's: pulling tat back would hand the next call the slot
    // of the latest of them (two calls at once), so the spacing stays, and the gap this call leaves is
    // lost rather than risked.
    if (spacing.after != TimePoint{} && s.tat == spacing.after) s.tat = spacing.before;
    // Likewise the latest send, which the check before sending spaces the next one from: when it is still
    // this call's, the call before it is the latest one that went out.
    if (spacing.sent_after != spacing.sent_before && s.sent == spacing.sent_after) s.sent = spacing.sent_before;
}

ApiError StatePacer::release(TimePoint slot, bool bulk, const Spacing& spacing) {
    auto r = transact([&](PacerState& s, TimePoint) {
        // Only a grant still there is this call's to give back: after a reset or a repair, tat is another's.
        if (!take_grant(s, slot, bulk)) return false;
        give_back_spacing(s, spacing);
        return true;
    });
    if (!r) log(fmt::format("pacer: could not release a slot: {}", r.error().message));
    return interrupted_while_waiting();
}

void StatePacer::leave_line(const Ticket& t) {
    auto r = transact([&](PacerState& s, TimePoint) { return drop_ticket(s, t.id); });
    if (!r) log(fmt::format("pacer: could not leave the line (it expires on its own): {}", r.error().message));
}

void StatePacer::complete(bool answered) {
    const auto held = in_flight_.take();
    if (!held) return;
    // The request is over: if answered, the server counted it before now. Read the clock before waiting for
    // the lock, which other processes may hold; that wait would only push the next window's calls later.
    const auto done = clock_->now();
    const auto credit = answered ? answered_credit(o_.windows, o_.margin) : Duration(0);
    auto r = transact([&](PacerState& s, TimePoint) {
        take_grant(s, held->slot, held->bulk);  // gone only if reset or repaired meanwhile: record the request anyway
        put_grant(s, std::max(done, held->slot), credit, held->bulk);
        return true;
    });
    if (!r) log(fmt::format("pacer: could not record a completion: {}", r.error().message));
}

void StatePacer::cancel() {
    const auto held = in_flight_.take();
    if (!held) return;
    auto r = transact([&](PacerState& s, TimePoint) {
        // Only a grant still there is this call's to give back: after a reset or a repair, tat is another's.
        if (!take_grant(s, held->slot, held->bulk)) return false;
        give_back_spacing(s, held->spacing);
        return true;
    });
    if (!r) log(fmt::format("pacer: could not give a slot back: {}", r.error().message));
}

void StatePacer::penalize(Duration pause) {
    if (pause > o_.max_penalty) {
        log(fmt::format("pacer: a pause of {} cut to max_penalty {}", fmt_seconds(pause), fmt_seconds(o_.max_penalty)));
        pause = o_.max_penalty;
    }
    auto r = transact([&](PacerState& s, TimePoint now) {
        s.penalty_until = std::max(s.penalty_until, now + pause);
        return true;
    });
    if (!r) log(fmt::format("pacer: could not record the penalty: {}", r.error().message));
    else log(fmt::format("pacer: penalty {} for every process on the account", fmt_seconds(pause)));
}

Duration StatePacer::time_until_free() {
    Duration out{0};
    auto r = transact([&](PacerState& s, TimePoint now) {
        prune(s, o_.windows, o_.margin, now);
        out = next_slot(s, o_.windows, o_.margin, burst_of(o_), now) - now;
        return false;
    });
    return r ? out : Duration(0);
}

Result<nlohmann::json> StatePacer::status() {
    std::vector<int> counts;
    Duration next_free{0}, penalty{0};
    nlohmann::json waiting;
    int bulk_grants = 0;
    auto r = transact([&](PacerState& s, TimePoint now) {
        prune(s, o_.windows, o_.margin, now);
        // Every owner is asked here, not only the front's: status is rare, and should show only live calls.
        const auto before = s.tickets.size();
        std::erase_if(s.tickets, [&](const Ticket& t) { return t.expires < now || !owner_alive(t); });
        for (const auto& w : o_.windows) counts.push_back(grants_in_window(s, w, o_.margin, now));
        next_free = next_slot(s, o_.windows, o_.margin, burst_of(o_), now) - now;
        penalty = s.penalty_until - now;
        waiting = waiting_json(s.tickets, now);
        bulk_grants = bulk_in_window(s, o_, now);
        return s.tickets.size() != before;
    });
    if (!r) return r.error();
    auto j = status_json(o_, backend_name(), counts, next_free, penalty);
    j["waiting"] = waiting;
    j["bulk_in_window"] = bulk_grants;
    describe(j);
    return j;
}

Result<Unit> StatePacer::assume_full_if_unused() {
    bool filled = false;
    auto r = transact([&](PacerState& s, TimePoint now) {
        prune(s, o_.windows, o_.margin, now);
        if (!s.grants.empty()) return false;
        fill_conservatively(s, o_.windows, now);
        filled = true;
        return true;
    });
    if (r && filled) log("pacer: the shared store's grants are unknown here: the windows count as full from now");
    return r;
}

Result<Unit> StatePacer::reset() {
    return transact([](PacerState& s, TimePoint) {
        s = PacerState{};
        return true;
    });
}

}  // namespace ccai::detail
