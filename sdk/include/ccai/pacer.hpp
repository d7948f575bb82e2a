#pragma once
/// @file pacer.hpp
/// @brief Client-side pacing that keeps an account under the service's rolling-window rate limit(s),
/// shared across threads (memory), processes (file) or hosts (redis).

#include <atomic>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "ccai/clock.hpp"
#include "ccai/error.hpp"

namespace ccai {

/// @brief How much faster one clock may run than another over a window: the most NTP slews a clock
/// (adjtime: 0.5 ms per second). The pacer counts an answered request's window from its completion
/// time on its own clock; the server measures on its own. This keeps the two compatible.
inline constexpr double kClockSlew = 0.0005;

/// @brief The longest wait any call may be allowed (the max_wait setting's bound). Shared state whose
/// times lie further ahead than this, the longest window and the longest penalty is corrupt.
inline constexpr Duration kLongestWait = std::chrono::hours(24);

/// @brief At most `limit` requests in any rolling `window`.
struct RateWindow {
    int limit = 0;
    Duration window{0};
    bool operator==(const RateWindow&) const = default;
};

/// @brief Parses "60/1m", "60/1m,1800/1h", "20/2s" (units s, m, h). Invalid specs are invalid_input errors.
Result<std::vector<RateWindow>> parse_rate_limits(std::string_view spec);

/// @brief The windows of the `rate_limit` setting's default.
std::vector<RateWindow> default_rate_windows();

/// @brief The interval the pacer keeps between grants under sustained demand: the largest window x
/// (1 + `margin`) / limit (PacerOptions::burst). 0 without windows.
Duration pacer_interval(const std::vector<RateWindow>& windows, double margin);

/// @brief Who waits for a slot. The two classes share one budget; bulk work reserves only slots free now,
/// so a person's call made while a batch saturates the account waits at most about one interval instead
/// of queueing behind the batch, yet keeps its share of every window (PacerOptions::bulk_min_share). Calls
/// that wait without a reservation line up in the shared state and are served first come, first served
/// within their class.
enum class Priority { interactive, bulk };

/// @brief "interactive" or "bulk".
std::string_view to_string(Priority p);

/// @brief Lets a signal handler end waits for a slot: a wait in progress gives up, releases its
/// reservation (it spends no budget it did not use) and fails with ErrorKind::interrupted. A client's
/// pause before a retry ends the same way. The handler may
/// read `waiting` (are waits in progress?) and set `requested`: both are lock-free atomics, which is all a
/// handler may touch. Waits notice a request within 50 ms.
struct Interruption {
    std::atomic<bool> requested{false};
    std::atomic<int> waiting{0};
};

/// @brief Sleeps (through `clock`) until `until`, counted in `interruption->waiting` and in slices, so a
/// request ends it within one slice; false when it was ended that way. Without an interruption, a plain sleep.
bool sleep_interruptibly(Clock& clock, TimePoint until, Interruption* interruption);

struct PacerOptions {
    std::vector<RateWindow> windows = default_rate_windows();
    std::string scope;             ///< every process with the same scope shares one budget (pacer_scope())
    std::string backend = "file";  ///< "memory", "file", or "redis://[USER@]HOST:PORT[/DB]"
    std::string dir;               ///< file backend's state directory ("" = $XDG_STATE_HOME/ccai/pacer)
    /// File backend: accept a group-writable `dir` (the group shares it on purpose). The directory and
    /// its state files must still be this user's; it is never world-writable. Sharing between users or
    /// hosts is what the redis backend is for.
    bool dir_shared = false;
    std::string fallback;          ///< "file": degrade to the file backend when redis is down
    /// redis: AUTH password, of the URL's user or the default user; "" sends no AUTH (a URL user then
    /// authenticates with an empty password, which only a `nopass` user accepts). A secret: never
    /// printed, and never taken from the URL.
    std::string redis_password;
    /// Safety margin for requests whose answer has not arrived: their windows are treated as this much
    /// longer. A request that was answered sits at its completion time (complete()), an upper bound of
    /// when the server counted it, and its window runs from there, longer only by kClockSlew; a paced
    /// request re-checks the windows right before it goes out. So neither a late start nor a slow
    /// response eats into the margin, and answered requests do not pay it: it covers a request still in
    /// flight (or never answered) when the one a window later goes out.
    double margin = 0.005;
    /// Calls that may go out back to back after the account has been idle; 0: a tenth of the smallest
    /// window's limit, rounded up (6 at 60/1m, 2 at 20/2s). After them, grants are at least one interval
    /// apart (max over windows of window x (1 + margin) / limit), and the allowance refills by one call
    /// per interval of idleness. The rolling windows stay the hard bound: fewer than `limit` grants in any
    /// (t - window x (1 + margin), t]. A grant that the windows or a penalty hold back uses up the
    /// allowance, so a window never begins with a burst: under sustained demand calls go out one interval
    /// apart, with a pause of about (burst - 1) intervals only where the first window fills.
    int burst = 0;
    /// The share of each window bulk calls keep however busy interactive calls are (0 to 0.5): while the
    /// bulk grants in the pacing window (the one that sets the interval) that ends at the slot a bulk call
    /// would take number fewer than ceil(bulk_min_share x its limit), the call reserves it like an
    /// interactive one. A batch that already gets more than that still leaves every slot not free now to
    /// interactive calls.
    double bulk_min_share = 0.1;
    /// The longest pause a rate-limit rejection may impose on the account: a longer Retry-After is cut to
    /// this, so one answer cannot stall every process for a day.
    Duration max_penalty = std::chrono::hours(1);
    /// redis: compute slots with this process's clock instead of the server's TIME. Only for tests that
    /// drive a fake clock; monotonic clocks of different hosts are unrelated.
    bool use_client_clock = false;
    /// When set (it must outlive the pacer), waits for a slot end early once it is requested.
    Interruption* interruption = nullptr;
    /// Called before a wait longer than a second (the CLI prints one line on a terminal).
    std::function<void(Duration)> on_wait;
    /// Called with a line for every decision (--verbose).
    std::function<void(const std::string&)> log;
};

/// @brief Grants request slots. Every request on the wire takes one, retries included.
class Pacer {
public:
    virtual ~Pacer() = default;
    /// @brief Blocks (through the injected clock) until a slot is granted; returns how long it waited.
    /// The calling thread then sends its request and calls complete() when it has finished.
    virtual Result<Duration> acquire() = 0;
    /// @brief Like acquire(), but waits at most `budget`: when the slot lies further away (now, or after a
    /// penalty recorded while waiting), it fails at once with a rate_limited error that is not retryable
    /// and says when the next slot is and why, and releases its reservation. A pacer that never waits
    /// need not override it.
    /// `priority` bulk: a slot that is not free now is not reserved (unless bulk calls are below their
    /// share); the call waits in line until its turn and asks again, leaving the slot to an interactive
    /// call that asked meanwhile. Only the oldest waiting call of a class takes a slot that frees.
    virtual Result<Duration> acquire_within(Duration /*budget*/, Priority /*priority*/ = Priority::interactive) {
        return acquire();
    }
    /// @brief The request this thread was last granted a slot for has finished. Its grant moves from the
    /// slot to now: the server counted the request somewhere in between, so windows measured from
    /// completion times are never shorter than the server's, however late the request went out or however
    /// long it took. `answered`: a response arrived (any status), so that bound is sure and the margin is
    /// credited back: its windows run from now, longer only by kClockSlew. A request that failed without
    /// an answer (timeout, dropped connection) may still be counted later: it keeps the margin. Without
    /// complete() the grant stays at its slot.
    virtual void complete(bool /*answered*/) {}
    /// @brief The slot this thread was last granted will not be used: nothing was sent (a response cache
    /// answered meanwhile, or the request was dropped before it went out). The grant is given back, and
    /// so is its place in the spacing when nobody reserved or sent after it: the next call gets its time
    /// instead of one interval later. With later reservations, those keep their slots and the gap stays
    /// unused (handing it on could put two calls closer than the interval). A wait that an interruption
    /// ends gives its reservation back the same way. The default keeps the grant, as complete(false).
    virtual void cancel() { complete(false); }
    /// @brief A rate-limit rejection happened: nobody in the scope may send before now + `pause` (at most
    /// max_penalty).
    virtual void penalize(Duration pause) = 0;
    /// @brief Time until the windows free a slot as the pacer sees them (0 when one is free now).
    virtual Duration time_until_free() = 0;
    /// @brief Limits, grants in each window, next free slot, penalty, backend.
    virtual Result<nlohmann::json> status() = 0;
    /// @brief Forget all grants and penalties of the scope.
    virtual Result<Unit> reset() = 0;
};

/// @brief The header in which a client tells a `ccai-cli proxy` on this machine that the request already
/// took a slot, so the proxy does not pace it twice. It carries the proxy's secret from the shared file
/// pacer state (proxy_claim.hpp): the SDK sends it only to a loopback host, with a pacer it made from the
/// config; the proxy trusts it only from a loopback peer, compares it in constant time, and never forwards it.
inline constexpr std::string_view kPacedHeader = "x-ccai-paced";

/// @brief Creates the pacer the options name.
Result<std::unique_ptr<Pacer>> make_pacer(const PacerOptions& options, std::shared_ptr<Clock> clock);

}  // namespace ccai
