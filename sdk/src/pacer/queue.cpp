// The line of calls waiting for a slot they have not reserved. fcntl locks (and redis clients racing for
// a script run) are not granted in the order callers asked: without a line, bulk calls waking for the
// same slot race for it, and one unlucky caller may lose every race. Tickets make the order the arrival.
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <fstream>
#include <random>
#include <sstream>

#include <fmt/format.h>

#include "pacer/internal.hpp"
#include "secrets/entropy.hpp"

namespace ccai::detail {

namespace {
thread_local std::optional<Owner> test_owner;
}  // namespace

unsigned long long process_start_time(long pid) {
    std::ifstream f(fmt::format("/proc/{}/stat", pid));
    std::string line;
    if (!std::getline(f, line)) return 0;
    // The command name (field 2) may hold spaces and parentheses: the fields after it follow the last ')'.
    const auto close = line.rfind(')');
    if (close == std::string::npos) return 0;
    std::istringstream rest(line.substr(close + 1));
    std::string field;
    unsigned long long started = 0;
    // Fields 3 to 21, then the start time (22).
    for (int i = 3; i <= 21 && rest >> field; ++i) {
    }
    return rest >> started ? started : 0;
}

Owner current_owner() {
    if (test_owner) return *test_owner;
    static const Owner self{static_cast<long>(::getpid()), process_start_time(::getpid())};
    return self;
}

void set_owner_for_testing(std::optional<Owner> owner) { test_owner = owner; }

bool owner_alive(long pid, unsigned long long started) {
    if (pid <= 0) return false;
    if (::kill(static_cast<pid_t>(pid), 0) != 0 && errno == ESRCH) return false;
    // Another user's process answers EPERM: alive. Its start time tells a reused pid apart; when it cannot be
    // read (no /proc), the ticket's expiry is what frees the line.
    const auto now_started = process_start_time(pid);
    return now_started == 0 || started == 0 || now_started == started;
}

bool owner_alive(const Ticket& t) { return owner_alive(t.pid, t.started); }

std::string new_ticket_id() {
    static std::mutex mu;
    static std::mt19937_64 rng{random_u64()};
    std::lock_guard lock(mu);
    return fmt::format("{:016x}", rng());
}

bool ahead_of(const Ticket& a, const Ticket& b) {
    if (a.priority != b.priority) return a.priority == Priority::interactive;
    if (a.arrived != b.arrived) return a.arrived < b.arrived;
    return a.id < b.id;
}

namespace {
// The line's stored order: by arrival, then id (redis sorts its tickets the same way).
bool stored_before(const Ticket& a, const Ticket& b) {
    if (a.arrived != b.arrived) return a.arrived < b.arrived;
    return a.id < b.id;
}
}  // namespace

bool prune_tickets(PacerState& s, TimePoint now, const std::function<bool(const Ticket&)>& alive, const Ticket* me) {
    auto& line = s.tickets;
    const auto before = line.size();
    std::erase_if(line, [&](const Ticket& t) { return t.expires < now; });
    if (alive) {
        for (;;) {
            // The first ticket ahead of `me` (an interactive one first), or the first of all.
            const Ticket* front = nullptr;
            for (const auto& t : line) {
                if (me && (t.id == me->id || !ahead_of(t, *me))) continue;
                if (!front || ahead_of(t, *front)) front = &t;
            }
            if (!front || alive(*front)) break;
            drop_ticket(s, std::string(front->id));  // a copy: the erase moves tickets over *front
        }
    }
    return line.size() != before;
}

int tickets_ahead(const PacerState& s, const Ticket& me) {
    return static_cast<int>(std::count_if(s.tickets.begin(), s.tickets.end(),
                                           [&](const Ticket& t) { return t.id != me.id && ahead_of(t, me); }));
}

bool put_ticket(PacerState& s, const Ticket& t) {
    auto& line = s.tickets;
    const bool had = drop_ticket(s, t.id);
    if (!had && line.size() >= kMaxTickets) return false;
    line.insert(std::upper_bound(line.begin(), line.end(), t, stored_before), t);
    return true;
}

bool drop_ticket(PacerState& s, const std::string& id) {
    return std::erase_if(s.tickets, [&](const Ticket& t) { return t.id == id; }) > 0;
}

Duration ticket_grace(const PacerOptions& o) {
    return std::clamp<Duration>(2 * spacing_of(o.windows, o.margin), std::chrono::seconds(1), std::chrono::minutes(1));
}

nlohmann::json waiting_json(const std::vector<Ticket>& tickets, TimePoint now) {
    auto out = nlohmann::json::object();
    for (const auto p : {Priority::interactive, Priority::bulk}) {
        int count = 0;
        Duration oldest{0};
        auto pids = nlohmann::json::array();
        for (const auto& t : tickets) {
            if (t.priority != p) continue;
            ++count;
            oldest = std::max(oldest, now - t.arrived);
            if (std::find(pids.begin(), pids.end(), t.pid) == pids.end()) pids.push_back(t.pid);
        }
        out[std::string(to_string(p))] = {
            {"count", count},
            {"oldest_wait_ms", std::chrono::duration_cast<std::chrono::milliseconds>(oldest).count()},
            {"pids", pids}};
    }
    return out;
}

}  // namespace ccai::detail
