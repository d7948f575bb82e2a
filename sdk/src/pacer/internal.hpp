#pragma once
// Internals shared by the pacer backends: the grant log, the pure slot computation, and a base class
// that implements the Pacer interface on top of one "transaction" primitive per backend.
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "ccai/pacer.hpp"
#include "ccai/redact.hpp"

namespace ccai::detail {

/// A call waiting for a slot it has not reserved (a bulk call whose slot is not free now): its place in
/// the line of its class. Only the oldest live ticket of a class may take a free slot, so the order in
/// which processes happen to get the lock no longer decides who goes first.
struct Ticket {
    std::string id;  ///< unique per call: 16 hex digits, fixed width so ties sort alike everywhere
    Priority priority = Priority::bulk;
    TimePoint arrived{};  ///< when the call first asked: its place (ties: the id)
    TimePoint expires{};  ///< after this it blocks nobody: its owner missed its turn by far, or gave up
    long pid = 0;         ///< the owner, a process of this host
    unsigned long long started = 0;  ///< the owner's start time (/proc/PID/stat): a reused pid is not it
    bool operator==(const Ticket&) const = default;
};

/// At most this many tickets are kept: a call that finds the line full waits without a place in it
/// (served in the order it gets the lock, as before tickets), and the state stays small.
inline constexpr std::size_t kMaxTickets = 256;

/// What every backend stores per scope: the grants' times in the windows (ascending: reserved slots, some
/// in the future, and completion times, an answered request's moved earlier by answered_credit()), the time
/// before which nobody may send after a rejection, the theoretical arrival time that spaces grants (GCRA:
/// a grant at t needs t >= tat - (burst - 1) x interval), when the latest request went out, which of the
/// grants were bulk calls' (the same times, ascending: the bulk share counts them), and the line of
/// waiting calls (ascending by arrival, then id).
struct PacerState {
    std::vector<TimePoint> grants;
    TimePoint penalty_until{};
    TimePoint tat{};
    TimePoint sent{};
    std::vector<TimePoint> bulk;
    std::vector<Ticket> tickets;
};

/// The window as the pacer enforces it: `margin` longer than the server's.
Duration effective_window(const RateWindow& w, double margin);
/// The interval between grants after a burst: the max over windows of effective_window / limit (at least 1us).
Duration spacing_of(const std::vector<RateWindow>& windows, double margin);
/// A tenth of the smallest limit, rounded up: the burst when the options leave it at 0.
int default_burst(const std::vector<RateWindow>& windows);
/// The options' burst, or default_burst().
int burst_of(const PacerOptions& o);
/// The longest effective window: grants older than that no longer matter.
Duration longest_window(const std::vector<RateWindow>& windows, double margin);
/// How much earlier than its completion time an answered request's grant is recorded: (margin -
/// kClockSlew) x the shortest window, at least 0. Every window then runs from the completion time,
/// the shortest one longer by exactly kClockSlew, longer ones by more (margin x their extra length).
/// One recorded time per grant keeps the log, the file format and the redis script as they were.
Duration answered_credit(const std::vector<RateWindow>& windows, double margin);
/// Earliest t >= now that respects the penalty, the burst allowance (t >= tat - (burst - 1) x interval)
/// and every rolling window (fewer than `limit` grants in (t - effective window, t]).
TimePoint next_slot(const PacerState& s, const std::vector<RateWindow>& windows, double margin, int burst,
                    TimePoint now);
/// Records the reservation of `slot` (from next_slot at `now`) in the log and advances tat: by one interval
/// when the allowance granted it, to slot + burst intervals (allowance used up) when the windows or the
/// penalty held it back, so the next window does not open with a burst. A slot at `now` goes out at once.
/// `held_till`: when the penalty and the windows allowed a grant, read before pruning (default: never held).
void reserve_slot(PacerState& s, const std::vector<RateWindow>& windows, double margin, int burst, TimePoint slot,
                  TimePoint now, TimePoint held_till = TimePoint{}, bool bulk = false);
/// The check made right before a paced request goes out, at `at` (>= its slot): earliest t >= at that
/// respects the penalty, one interval after the latest request that went out, and every window counting
/// only grants at or before `at` (the caller's own grant taken out). Grants of finished requests sit at
/// their completion time by then, so a request that went out late or took long pushes the ones after it;
/// the interval keeps callers that woke late from going out back to back.
TimePoint confirm_slot(const PacerState& s, const std::vector<RateWindow>& windows, double margin, TimePoint at);
/// How far ahead of now stored times may lie: the longest window, plus the longest wait or penalty
/// (whichever is longer), plus one burst of intervals.
Duration plausible_lead(const PacerOptions& o);
/// "" when every stored time lies at most `lead` after `now`; else what lies how far ahead.
std::string implausible(const PacerState& s, TimePoint now, Duration lead);
/// How far ahead a call of `priority` may reserve: bulk only a slot free now, interactive any distance.
Duration reservation_horizon(const PacerOptions& o, Priority priority);
/// The window that sets the interval: the largest window / limit (the first of equals). Not empty.
const RateWindow& pacing_window(const PacerOptions& o);
/// The bulk calls' guaranteed grants per window: ceil(bulk_min_share x limit) of the pacing window (the
/// one that sets the interval).
int bulk_quota(const PacerOptions& o);
/// Bulk grants in the pacing window ending at `t`, and any after it (reservations ahead included).
int bulk_in_window(const PacerState& s, const PacerOptions& o, TimePoint t);
/// Bulk calls are below their share in the window ending at `t`, the slot a bulk call would take: it may
/// then reserve it, like an interactive call.
bool bulk_owed(const PacerState& s, const PacerOptions& o, TimePoint t);
/// The earliest end of a window in which bulk calls fall below their share, as far as the bulk grants
/// known tell (`t` when they are below it at `t`; TimePoint::max() without a share).
TimePoint bulk_owed_at(const PacerState& s, const PacerOptions& o, TimePoint t);

/// Who asks for a slot: its class and, for a call that may wait in line, its ticket (id, arrival and
/// owner; try_reserve sets its expiry) and when its wait budget ends.
struct Caller {
    // A constructor, not an aggregate: most callers name only a class and a ticket, and -Wextra warns of
    // every aggregate initializer that leaves a member out.
    Caller(Priority p = Priority::interactive, Ticket* t = nullptr, TimePoint d = TimePoint::max(),
           std::function<bool(const Ticket&)> a = nullptr)
        : priority(p), ticket(t), deadline(d), alive(std::move(a)) {}
    Priority priority = Priority::interactive;
    Ticket* ticket = nullptr;  ///< null: no place in the line (the call is judged as before tickets)
    TimePoint deadline = TimePoint::max();
    /// Whether a ticket's owner still runs; null: every owner does.
    std::function<bool(const Ticket&)> alive;
};
/// One reservation attempt at `now`, under the backend's lock. The next slot is reserved when nobody is
/// ahead in line (a live older ticket of the class, or any live interactive ticket for a bulk call) and it
/// lies within the call's horizon: any distance for an interactive call or a bulk call below its share,
/// else only a slot free now. Otherwise the call is deferred: it waits in line (its ticket stored) until
/// `slot`, the slot it saw plus one interval per call ahead, and asks again. Refused (its ticket dropped)
/// when that lies more than `budget_left` away. `changed`: the state must be stored.
struct Attempt {
    enum Outcome { reserved, deferred, refused } outcome = reserved;
    TimePoint slot{};
    bool penalized = false;  ///< the penalty set the slot
    int ahead = 0;           ///< live calls ahead in line
    bool changed = false;
};
Attempt try_reserve(PacerState& s, const PacerOptions& o, TimePoint now, Duration budget_left, const Caller& caller);
/// The same without a line: `horizon` 0 is a bulk call, anything else an interactive one.
Attempt try_reserve(PacerState& s, const PacerOptions& o, TimePoint now, Duration budget_left, Duration horizon);
/// The error of a call whose slot lies `wait` away, past its `budget`; `penalized`: the penalty set it.
ApiError beyond_budget(Duration wait, Duration budget, bool penalized);

/// Where a reservation found tat and sent and where it left them: what a grant given up puts back.
struct Spacing {
    TimePoint before{};
    TimePoint after{};  ///< TimePoint{}: nothing reserved
    TimePoint sent_before{};
    TimePoint sent_after{};
};
/// A grant that will not be used gives its spacing back when it is the latest one: tat, when still
/// `spacing.after`, returns to `spacing.before`; sent, when still `spacing.sent_after`, to `sent_before`.
void give_back_spacing(PacerState& s, const Spacing& spacing);

/// Removes one grant at exactly `t` (false if none: pruned, reset or repaired meanwhile); a bulk call's
/// also from the bulk grants.
bool take_grant(PacerState& s, TimePoint t, bool bulk = false);
/// Records a grant at `t` (a slot, or a completion time) in the log at t - credit, keeping it sorted; a bulk
/// call's also among the bulk grants.
void put_grant(PacerState& s, TimePoint t, Duration credit = Duration(0), bool bulk = false);
/// Drops grants that left the longest window (future reservations are always kept).
void prune(PacerState& s, const std::vector<RateWindow>& windows, double margin, TimePoint now);

// The line of waiting calls (queue.cpp).
/// A ticket's owner: this process, unless a test says otherwise (set_owner_for_testing).
struct Owner {
    long pid = 0;
    unsigned long long started = 0;
};
Owner current_owner();
/// Tests: the owner this thread's tickets name (a dead process, a reused pid); nullopt: the real one.
void set_owner_for_testing(std::optional<Owner> owner);
/// The start time of process `pid` (clock ticks since boot, /proc/PID/stat field 22); 0 when unknown.
unsigned long long process_start_time(long pid);
/// False only when the owner is surely gone: no such process, or another process under its pid.
bool owner_alive(long pid, unsigned long long started);
bool owner_alive(const Ticket& t);
/// A fresh ticket id: 16 hex digits.
std::string new_ticket_id();
/// Whether `a` is ahead of `b` in line: an interactive ticket ahead of any bulk one, else the older one
/// (ties: the smaller id).
bool ahead_of(const Ticket& a, const Ticket& b);
/// Drops expired tickets; then, while the first ticket ahead of `me` (or the first of all) has an owner that
/// `alive` says is gone, drops it too. Only the front of the line is checked: asking about every owner
/// at every call would read /proc for each under the lock. True when any was dropped.
bool prune_tickets(PacerState& s, TimePoint now, const std::function<bool(const Ticket&)>& alive,
                   const Ticket* me = nullptr);
/// Calls ahead of `me` in line (`me` itself, stored or not, does not count).
int tickets_ahead(const PacerState& s, const Ticket& me);
/// Stores `t` (replacing the ticket of the same id), keeping the line sorted; false when the line is full.
bool put_ticket(PacerState& s, const Ticket& t);
/// Removes the ticket `id`; false when it was not there.
bool drop_ticket(PacerState& s, const std::string& id);
/// How long a waiting call's ticket outlives the moment it means to ask again: a live owner asks by then,
/// a stopped or vanished one stops blocking the others (two intervals, between 1 s and 1 min).
Duration ticket_grace(const PacerOptions& o);
/// Per class: how many calls wait, how long the oldest has, and their owners' pids.
nlohmann::json waiting_json(const std::vector<Ticket>& tickets, TimePoint now);
/// Grants after t - effective window (reservations beyond t included: they will count).
int grants_in_window(const PacerState& s, const RateWindow& w, double margin, TimePoint t);
/// State of unknown history (corrupt file, reboot): every window treated as full at `now`, using the
/// smallest limit so a long window (1800/1h) does not turn into an hour's pause. The next grant is then
/// held back by the windows, which also uses up the burst allowance.
void fill_conservatively(PacerState& s, const std::vector<RateWindow>& windows, TimePoint now);

/// Status fields common to all backends.
nlohmann::json status_json(const PacerOptions& o, const std::string& backend, const std::vector<int>& counts,
                           Duration next_free, Duration penalty);
/// The grant a thread holds for its request in flight, and whether a bulk call holds it.
struct Held {
    TimePoint slot{};
    bool bulk = false;
    Spacing spacing;  ///< what cancel() puts back
};

/// Each thread's request in flight: the grant it holds, so complete() can move it. A Pacer is shared by
/// the threads of a batch; each thread sends one request at a time.
template <class T>
class PerThread {
public:
    void put(T v) {
        std::lock_guard l(mu_);
        m_[std::this_thread::get_id()] = std::move(v);
    }
    std::optional<T> take() {
        std::lock_guard l(mu_);
        auto it = m_.find(std::this_thread::get_id());
        if (it == m_.end()) return std::nullopt;
        auto v = std::move(it->second);
        m_.erase(it);
        return v;
    }

private:
    std::mutex mu_;
    std::map<std::thread::id, T> m_;
};

/// Memory and file backends: the whole algorithm, parameterized by how state is locked and stored.
class StatePacer : public Pacer {
public:
    // Only the redis backend uses the password: this copy is cleansed at once.
    StatePacer(PacerOptions o, std::shared_ptr<Clock> c) : o_(std::move(o)), clock_(std::move(c)) {
        secure_clear(o_.redis_password);
    }
    Result<Duration> acquire() override { return acquire_within(Duration::max()); }
    Result<Duration> acquire_within(Duration budget, Priority priority = Priority::interactive) override;
    void complete(bool answered) override;
    void cancel() override;
    void penalize(Duration pause) override;
    Duration time_until_free() override;
    Result<nlohmann::json> status() override;
    Result<Unit> reset() override;
    /// Taking over from a store this process can no longer see (redis went away): the grants it held are
    /// unknown, so when this state holds none in the longest window, every window is assumed full now
    /// (fill_conservatively). A state already in use, by a process of this host that switched earlier,
    /// is kept as it is: its grants are real, and filling again would pause the host once per process.
    Result<Unit> assume_full_if_unused();

protected:
    /// Runs `fn` on the scope's state under the backend's lock, with `now` read after locking; stores
    /// the state afterwards when `fn` returns true.
    using Txn = std::function<bool(PacerState&, TimePoint now)>;
    virtual Result<Unit> transact(const Txn& fn) = 0;
    virtual std::string backend_name() const = 0;
    virtual void describe(nlohmann::json& status) const = 0;  ///< adds path/url
    void log(const std::string& line) const {
        if (o_.log) o_.log(line);
    }
    /// Gives back the reservation at `slot` after an interruption, and its spacing when it is the latest.
    ApiError release(TimePoint slot, bool bulk, const Spacing& spacing);

    PacerOptions o_;
    std::shared_ptr<Clock> clock_;
    PerThread<Held> in_flight_;  ///< the grant (slot, then send time) of this thread's request
    /// Gives up a place in line (after an interruption or an error); a failure leaves it to expire.
    void leave_line(const Ticket& t);
};

/// Sleeps until `until`; false when an interruption was requested first (o.interruption).
bool sleep_interruptibly(const PacerOptions& o, Clock& clock, TimePoint until);
/// Announces a wait (on_wait for waits > 1 s, log always), then sleeps until `slot`; false when interrupted.
bool wait_for_slot(const PacerOptions& o, Clock& clock, TimePoint slot, Duration wait, const std::string& why);
/// The error of a wait that an interruption ended; its reservation, if any, was released.
ApiError interrupted_while_waiting();

std::unique_ptr<Pacer> make_memory_pacer(const PacerOptions& o, std::shared_ptr<Clock> c);
/// `unknown_history`: the budget was kept elsewhere until now (redis, see assume_full_if_unused).
Result<std::unique_ptr<Pacer>> make_file_pacer(const PacerOptions& o, std::shared_ptr<Clock> c,
                                               bool unknown_history = false);

/// A pacer whose store is shared and may become unreachable: every operation reports its failure, and
/// FallbackPacer decides what one means.
class RemotePacer {
public:
    virtual ~RemotePacer() = default;
    virtual Result<Duration> acquire(Duration budget, Priority priority) = 0;
    virtual Result<Unit> complete(bool answered) = 0;
    virtual Result<Unit> cancel() = 0;
    virtual Result<Unit> penalize(Duration pause) = 0;
    virtual Result<Duration> time_until_free() = 0;
    virtual Result<nlohmann::json> status() = 0;
    virtual Result<Unit> reset() = 0;
};

/// Connected, or the error that says why not (network when the server is unreachable).
Result<std::unique_ptr<RemotePacer>> make_redis_pacer(const PacerOptions& o, std::shared_ptr<Clock> c);

/// A RemotePacer as a Pacer. With fallback "file", the first network failure (already at start, when
/// `remote` is that error) moves this process to the file pacer for good; every other failure is
/// returned or logged.
Result<std::unique_ptr<Pacer>> make_fallback_pacer(Result<std::unique_ptr<RemotePacer>> remote, const PacerOptions& o,
                                                   std::shared_ptr<Clock> c);

struct RedisUrl {
    std::string user;  ///< ACL user ("": the default user)
    std::string host;
    int port = 6379;
    int db = 0;
};
/// redis://[USER@]HOST[:PORT][/DB]; rediss:// and a password in the URL are refused (redis_url_refusal).
Result<RedisUrl> parse_redis_url(const std::string& url);
/// Why a pacer URL is refused though well formed ("" when it is not): rediss:// (no TLS in this hiredis),
/// or a password in it (argv is public). What to do instead, without the URL, which may hold a password.
std::string_view redis_url_refusal(std::string_view url);
/// Hex SHA-256; the scope's hash names its state file and redis keys (account ids stay out of both).
std::string sha256_hex(const std::string& s);
std::string scope_key(const std::string& scope);

/// The name of a network filesystem (statfs f_type), or nullptr for any other. The file backend refuses
/// them: hosts sharing a state file there fight over it instead of sharing a budget.
const char* network_filesystem(unsigned long f_type);

/// The file pacer's default state directory ($XDG_STATE_HOME/ccai/pacer, else ~/.local/state/ccai/pacer);
/// "" when neither variable holds an absolute path. `getenv` reads them (default: ::getenv).
std::string default_state_dir(const std::function<std::optional<std::string>(const char*)>& getenv = {});
/// mkdir -p, missing components created 0700.
Result<Unit> make_state_dirs(const std::string& dir);
/// Opens a state directory after checking it is the user's and writable by nobody else (group: when
/// `shared`); every state file is then reached through the descriptor. Errors are config errors.
Result<int> open_state_dir(const std::string& dir, bool shared);
/// Opens (or, with `create`, creates 0600) the state file `name` in `dir_fd` read-write: refused when it is
/// a symlink, not a regular file, another user's, or has other hard links; made private when it is not.
/// -1 when it does not exist and !create. `what` starts each message ("pacer: state file").
Result<int> open_private_state_file(int dir_fd, const std::string& name, const std::string& path, bool create,
                                    std::string_view what);

/// Seconds with one decimal, for messages.
std::string fmt_seconds(Duration d);

}  // namespace ccai::detail
