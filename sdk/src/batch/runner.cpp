// The batch runner: a validation pass over the whole input, then a second pass that decides what each line
// needs (send, skip, report in doubt) and hands the lines to send to N threads through a small bounded
// queue, journaling each line before and after. Memory does not grow with the input: lines are read one at
// a time, records go to the results file as they are made, and the journal's view of earlier runs is 4
// bytes per line.
#include <algorithm>
#include <cctype>
#include <atomic>
#include <condition_variable>
#include <deque>
#include <ctime>
#include <thread>
#include <unordered_map>
#include <unordered_set>

#include <fmt/format.h>

#include "batch/internal.hpp"
#include "batch/ledger.hpp"
#include "ccai/pagination.hpp"

namespace ccai::batch {

namespace {

// A read-only POST (analytics, call details) is as safe to re-send as a GET.
bool idempotent(const EndpointSpec& spec) { return spec.read_only() || idempotent_method(spec.method()); }

// "2026-12-03T15:20:11Z"
std::string utc_text(long long seconds) {
    const std::time_t t = static_cast<std::time_t>(seconds);
    std::tm tm{};
    char buf[32];
    if (!::gmtime_r(&t, &tm) || std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0) return std::to_string(seconds);
    return buf;
}

nlohmann::json already_sent(const detail::Ledger::Seen& seen) {
    const auto when = utc_text(seen.at);
    return {{"reason", "already_sent"}, {"sent_at", when},
            {"message", fmt::format("already sent on {} by a batch of this account: not sent again (--rerun sends "
                                    "it)", when)}};
}

// A claim with no outcome: a batch killed mid-call, a 5xx, or another batch sending it now. Not a success:
// the line may or may not exist.
nlohmann::json maybe_sent(const detail::Ledger::Seen& seen) {
    const auto when = utc_text(seen.at);
    return {{"kind", "in_doubt"}, {"reason", "maybe_sent"}, {"sent_at", when},
            {"message", fmt::format("maybe sent on {} by a batch of this account (outcome unknown: it may exist now, "
                                    "or another batch is sending it): not sent again; check whether it exists (e.g. "
                                    "with the group's list or get), then --rerun sends it",
                                    when)}};
}

// True when the call's answer proves the service did nothing, as the SDK's retry rules judge it: a 4xx
// rejection (429 included: it is re-sent whatever the method), or a request that never reached it. A 5xx
// (a gateway's 502/504 too) or a 408 may come after the create happened: re-sent only when idempotent.
bool provably_not_done(const ApiError& e) {
    if (e.kind == ErrorKind::rate_limited) return true;
    if (e.http_status >= 400 && e.http_status < 500) return e.http_status != 408;
    return e.http_status == 0 && !e.maybe_reached_server;
}

// A line's value for a field, as text to compare with a listed item's.
std::optional<std::string> field_text(const nlohmann::json* body, const std::string& field) {
    if (!body || !body->is_object()) return std::nullopt;
    const auto it = body->find(field);
    if (it == body->end()) return std::nullopt;
    return detail::param_text(*it);
}

// Values are compared exactly, but an email's case is not: mail systems ignore it.
std::string comparable(const std::string& field, std::string value) {
    std::string name = field;
    std::transform(name.begin(), name.end(), name.begin(), [](unsigned char c) { return std::tolower(c); });
    if (name == "email" || name == "emailid")
        std::transform(value.begin(), value.end(), value.begin(), [](unsigned char c) { return std::tolower(c); });
    return value;
}

Record base_record(const Item& item) {
    Record r;
    r.line = item.line;
    r.id = item.id;
    r.op = item.op;
    return r;
}

// One pass over the input, whatever holds it.
using Pass = std::function<Result<Scan>(const LineVisitor&)>;

// One run's shared state. Every mutation of counts and line states happens under mu_.
class Run {
public:
    Run(Client& client, const Options& o, detail::Journal* journal, std::unique_ptr<detail::ResultsAppender> results,
        detail::JournalState& state, long long total, detail::Ledger* ledger)
        : client_(client), o_(o), journal_(journal), results_(std::move(results)), state_(state), ledger_(ledger) {
        progress_.total = total;
        for (const auto& s : state_.lines)
            if (auto last = s.last()) count(*last, +1);
    }

    void run(const Pass& pass, const Scan& first);
    Result<Summary> finish(const Scan& scan);

private:
    void count(Outcome o, int delta);
    void record(Record r);
    void plan(Item& item);
    void send(const Item& item, bool force);
    void in_doubt(const Item& item, nlohmann::json why);
    void created(const Item& item);
    bool created_meanwhile(const Item& item);
    nlohmann::json exists_reason(const Item& item) const;
    bool guarded(const Item& item) const { return ledger_ && !idempotent(*item.spec); }
    void skip(const Item& item, nlohmann::json why);
    Result<bool> exists(const Item& item);
    void worker();
    void fail(const ApiError& e);
    bool stopping();
    void push(Item item, bool force = false);
    bool pop(Item& item, bool& force);
    nlohmann::json error_json(const ApiError& e) const { return o_.error_json ? o_.error_json(e) : ccai::error_json(e); }

    Client& client_;
    const Options& o_;
    detail::Journal* journal_;
    std::unique_ptr<detail::ResultsAppender> results_;
    detail::JournalState& state_;
    detail::Ledger* ledger_;
    // --skip-existing: per create operation, the field's values its list holds (listed at its first line).
    // Values created by this run are added, so a duplicate later in the input is skipped too.
    std::unordered_map<std::string, std::unordered_set<std::string>> existing_;
    std::mutex existing_mu_;
    std::mutex mu_;
    Progress progress_;
    long long not_started_ = 0;
    std::atomic<bool> fatal_{false};
    std::atomic<bool> interrupted_{false};
    std::optional<ApiError> fatal_error_;
    bool replaced_ = false;
    // The lines waiting for a worker: at most 2 x concurrency, so memory stays flat.
    std::mutex qmu_;
    std::condition_variable qcv_;
    std::deque<std::pair<Item, bool>> queue_;  // a line, and whether it is re-sent whatever the ledger says
    size_t capacity_ = 8;
    bool closed_ = false;
};

void Run::count(Outcome o, int delta) {
    auto& c = o == Outcome::ok ? progress_.ok : o == Outcome::failed ? progress_.failed
            : o == Outcome::in_doubt ? progress_.in_doubt : o == Outcome::skipped ? progress_.skipped : progress_.invalid;
    c += delta;
    progress_.done += delta;
}

void Run::fail(const ApiError& e) {
    {
        std::lock_guard lock(mu_);
        if (!fatal_error_) fatal_error_ = e;
        fatal_ = true;
    }
    std::lock_guard lock(qmu_);
    qcv_.notify_all();
}

bool Run::stopping() {
    if (fatal_.load()) return true;
    if (o_.stop && o_.stop()) {
        interrupted_ = true;
        return true;
    }
    return false;
}

void Run::record(Record r) {
    std::optional<ApiError> error;
    {
        std::lock_guard lock(mu_);
        if (journal_)
            if (auto ok = journal_->finished(r); !ok) error = ok.error();
        // A line re-sent after an earlier run's record (in doubt): its new outcome replaces the old count.
        if (auto* s = r.line < static_cast<long long>(state_.lines.size()) && r.line > 0
                          ? &state_.lines[static_cast<size_t>(r.line)] : nullptr) {
            if (auto last = s->last()) {
                count(*last, -1);
                replaced_ = true;  // the results file now has two records for this line: rebuilt at the end
            }
            s->outcome = static_cast<std::uint8_t>(static_cast<int>(r.outcome) + 1);
        }
        count(r.outcome, +1);
        if (results_ && !error)
            if (auto ok = results_->append(r); !ok) error = ok.error();
        if (o_.on_record) o_.on_record(r);
        if (o_.on_progress) o_.on_progress(progress_);
    }
    if (error) fail(*error);
}

// What earlier runs left decides each line: done lines stay done; a line in doubt is re-sent only when
// that cannot duplicate anything (GET/PUT/DELETE) or the user asked for it.
void Run::plan(Item& item) {
    const auto* s = state_.at(item.line);
    const bool done = s && s->last();
    const bool doubt = s && (s->started || s->last() == Outcome::in_doubt);
    if (item.problem) {
        if (!done) {
            auto r = base_record(item);
            r.outcome = Outcome::invalid;
            r.error = error_json(*item.problem);
            record(std::move(r));
        }
    } else if (doubt && (o_.retry_in_doubt || idempotent(*item.spec))) {
        push(std::move(item), /*force=*/true);  // the user asked for it: the ledger's claim is this line's own
    } else if (doubt) {
        if (!done) {
            auto r = base_record(item);
            r.outcome = Outcome::in_doubt;
            // No exit code: the line has no outcome of its own (the CLI's batch exits 10 for it).
            r.error = {{"kind", "in_doubt"},
                       {"message", "an earlier run sent this line but stopped before its outcome was recorded; "
                                   "not re-sent (check the service, or use --retry-in-doubt)"}};
            record(std::move(r));
        }
    } else if (!done) {
        if (!o_.skip_existing.empty()) {
            auto found = exists(item);
            if (!found) return fail(found.error());
            if (*found) return skip(item, exists_reason(item));
        }
        // Known as sent before it waits for the pacer: a skipped line costs no slot.
        if (guarded(item) && !o_.guard->rerun)
            if (auto request = client_.prepare(*item.spec, item.args)) {  // else send records why it cannot go
                auto seen = ledger_->lookup(detail::line_key(*request));
                if (!seen) return fail(seen.error());
                if (*seen && (*seen)->sent) return skip(item, already_sent(**seen));
                if (*seen) return in_doubt(item, maybe_sent(**seen));
            }
        push(std::move(item));
    }
}

void Run::skip(const Item& item, nlohmann::json why) {
    auto r = base_record(item);
    r.outcome = Outcome::skipped;
    r.skipped = std::move(why);
    record(std::move(r));
}

void Run::in_doubt(const Item& item, nlohmann::json why) {
    auto r = base_record(item);
    r.outcome = Outcome::in_doubt;  // not a success: the CLI's batch exits 10 for it
    r.error = std::move(why);
    record(std::move(r));
}

nlohmann::json Run::exists_reason(const Item& item) const {
    return {{"reason", "exists"},
            {"message", fmt::format("{} '{}' already exists (--skip-existing): not sent", o_.skip_existing,
                                    *field_text(item.args.body ? &*item.args.body : nullptr, o_.skip_existing))}};
}

// --skip-existing: created by an earlier line of this run since this line was planned.
bool Run::created_meanwhile(const Item& item) {
    if (o_.skip_existing.empty()) return false;
    const auto value = field_text(item.args.body ? &*item.args.body : nullptr, o_.skip_existing);
    if (!value) return false;
    std::lock_guard lock(existing_mu_);
    const auto it = existing_.find(item.op);
    return it != existing_.end() && it->second.contains(comparable(o_.skip_existing, *value));
}

// --skip-existing: what this run created exists now.
void Run::created(const Item& item) {
    if (o_.skip_existing.empty()) return;
    const auto value = field_text(item.args.body ? &*item.args.body : nullptr, o_.skip_existing);
    if (!value) return;
    std::lock_guard lock(existing_mu_);
    if (auto it = existing_.find(item.op); it != existing_.end()) it->second.insert(comparable(o_.skip_existing, *value));
}

// The create's list, fetched whole at its first line (one call per page), then looked up in memory.
Result<bool> Run::exists(const Item& item) {
    const auto value = field_text(item.args.body ? &*item.args.body : nullptr, o_.skip_existing);
    if (!value) return false;
    {
        std::lock_guard lock(existing_mu_);
        if (auto it = existing_.find(item.op); it != existing_.end())
            return it->second.contains(comparable(o_.skip_existing, *value));
    }
    // Only this thread adds an operation; the workers add values to one already there (created()).
    auto list = existing_lookup(*item.spec, o_.skip_existing);
    if (!list) return list.error();
    std::unordered_set<std::string> values;
    auto walked = for_each_item(client_, **list, CallArgs{}, [&](const nlohmann::json& listed) {
        if (auto v = field_text(&listed, o_.skip_existing)) values.insert(comparable(o_.skip_existing, std::move(*v)));
        return !stopping();
    });
    if (!walked) {
        auto e = walked.error();
        e.message = fmt::format("--skip-existing: listing {} failed: {}; nothing more was sent (--resume continues)",
                                (*list)->id(), e.message);
        return e;
    }
    const bool found = values.contains(comparable(o_.skip_existing, *value));
    std::lock_guard lock(existing_mu_);
    existing_.emplace(item.op, std::move(values));
    return found;
}

void Run::send(const Item& item, bool force) {
    // Lines wait in the queue: one with the value of a line created meanwhile is a duplicate too.
    if (created_meanwhile(item)) return skip(item, exists_reason(item));
    auto r = base_record(item);
    CallStats stats;
    stats.priority = Priority::bulk;  // a person's call made meanwhile goes first (pacer.hpp)
    // The line is journaled as started only with its slot in hand, right before it goes out: a run killed
    // while the pacer made it wait leaves it "not started" (sent by --resume), not "in doubt". A stop asked
    // for during that wait leaves it unsent too.
    bool held_back = false;
    bool journaled = false;  // "start" is in the journal
    std::optional<ApiError> journal_error;
    // The ledger is asked again with the slot in hand, under its lock: another batch may have sent the same
    // line while this one waited (two runs of one input at once).
    auto request = client_.prepare(*item.spec, item.args);
    const bool guard = guarded(item) && request;
    const auto key = guard ? detail::line_key(*request) : detail::LineKey{};
    bool claimed = false;
    std::optional<detail::Ledger::Seen> seen_meanwhile;
    stats.before_first_send = [&]() -> Result<Unit> {
        if (stopping()) {
            held_back = true;
            return invalid_input("the batch is stopping");
        }
        // Journal first: a run killed between the two leaves the line in doubt (never sent twice by --resume),
        // not claimed in the record while the journal calls it unsent (which --resume would then skip).
        if (journal_) {
            if (auto ok = journal_->started(item.line); !ok) {
                journal_error = ok.error();
                return ok;
            }
            journaled = true;
        }
        if (guard) {
            auto seen = ledger_->claim(key, force || o_.guard->rerun);
            if (!seen) {
                journal_error = seen.error();
                return seen.error();
            }
            if (*seen) {
                seen_meanwhile = *seen;
                return invalid_input("already sent");
            }
            claimed = true;
        }
        return Unit{};
    };
    // The claim ends with the call: sent, or released when the answer proves nothing was created.
    const auto settle = [&](bool sent) {
        if (!claimed) return;
        if (auto ok = ledger_->resolve(key, sent); !ok) fail(ok.error());
    };
    auto response = request ? client_.send(std::move(*request), &stats) : Result<HttpResponse>(request.error());
    if (seen_meanwhile)
        return seen_meanwhile->sent ? skip(item, already_sent(*seen_meanwhile)) : in_doubt(item, maybe_sent(*seen_meanwhile));
    if (journal_error) {
        settle(false);
        return fail(*journal_error);
    }
    // Interrupted while it waited for the pacer, or to retry after attempts that prove nothing was done
    // (refused with a 429, or never delivered): left for --resume like a line the stop held back. Once
    // started, the journal says so, or --resume would call it in doubt.
    if (!response && response.error().kind == ErrorKind::interrupted && !response.error().maybe_reached_server)
        held_back = true;
    if (held_back) {
        settle(false);
        if (journaled)
            if (auto ok = journal_->unsent(item.line); !ok) return fail(ok.error());
        if (!fatal_.load()) {
            std::lock_guard lock(mu_);
            ++not_started_;
        }
        return;
    }
    auto result = to_result(response);
    r.attempts = stats.attempts;
    r.pacer_wait_ms = std::chrono::duration_cast<std::chrono::milliseconds>(stats.pacer_wait).count();
    if (result) {
        r.outcome = Outcome::ok;
        r.status = response->status;
        r.response = std::move(*result);
    } else {
        const auto& e = result.error();
        // No HTTP answer and maybe delivered: a create may have happened. Say so rather than guess.
        const bool unknown = e.http_status == 0 && e.maybe_reached_server && !idempotent(*item.spec);
        r.outcome = unknown ? Outcome::in_doubt : Outcome::failed;
        r.status = e.http_status;
        r.error = error_json(e);
    }
    // In doubt, or an answer that does not prove nothing was done (a 5xx): the claim stays, so a later batch
    // reports the line in doubt rather than re-send what may exist (--rerun sends it).
    if (r.outcome == Outcome::ok) settle(true);
    else if (r.outcome == Outcome::failed && provably_not_done(result.error())) settle(false);
    if (r.outcome == Outcome::ok) created(item);
    {
        std::lock_guard lock(mu_);
        progress_.retries += std::max(0, stats.attempts - 1);
        progress_.pacer_wait += stats.pacer_wait;
        ++progress_.sent_this_run;
    }
    const bool auth_failed = r.outcome == Outcome::failed && result.error().kind == ErrorKind::auth;
    record(std::move(r));
    // Every other line would be refused the same way: stop, and leave them for --resume with fixed credentials.
    if (auth_failed) {
        auto e = result.error();
        e.message = "stopped at the first authentication failure: " + e.message +
                    "; the lines not sent yet are left for --resume once the credentials are fixed";
        fail(e);
    }
}

// A line to send. Once stopping, it is only counted: it is left for a later --resume.
void Run::push(Item item, bool force) {
    if (stopping()) {
        std::lock_guard lock(mu_);
        ++not_started_;
        return;
    }
    std::unique_lock lock(qmu_);
    qcv_.wait(lock, [&] { return queue_.size() < capacity_ || fatal_.load(); });
    if (fatal_.load()) return;
    queue_.emplace_back(std::move(item), force);
    qcv_.notify_all();
}

bool Run::pop(Item& item, bool& force) {
    std::unique_lock lock(qmu_);
    qcv_.wait(lock, [&] { return !queue_.empty() || closed_; });
    if (queue_.empty()) return false;
    item = std::move(queue_.front().first);
    force = queue_.front().second;
    queue_.pop_front();
    qcv_.notify_all();
    return true;
}

void Run::worker() {
    Item item;
    bool force = false;
    while (pop(item, force)) {
        if (stopping()) {  // queued but not started: the same as never queued
            if (!fatal_.load()) {
                std::lock_guard lock(mu_);
                ++not_started_;
            }
            continue;
        }
        send(item, force);
    }
}

void Run::run(const Pass& pass, const Scan& first) {
    const int n = std::max(1, o_.concurrency);
    capacity_ = static_cast<size_t>(2 * n);
    std::vector<std::thread> threads;
    for (int t = 0; t < n; ++t) threads.emplace_back([this] { worker(); });
    auto second = pass([&](Item& item) {
        if (fatal_.load()) return false;
        detail::validate_item(item, client_.config(), o_.check_line);
        plan(item);
        return !fatal_.load();
    });
    {
        std::lock_guard lock(qmu_);
        closed_ = true;
        qcv_.notify_all();
    }
    for (auto& t : threads) t.join();
    if (!second) fail(second.error());
    else if (!fatal_.load() && (second->fingerprint != first.fingerprint || second->lines != first.lines))
        fail(invalid_input("the input changed while the batch ran; its journal may not match it: check the results"));
    if (o_.stop && !fatal_.load() && o_.stop()) interrupted_ = true;
}

Result<Summary> Run::finish(const Scan& scan) {
    if (results_)
        if (auto ok = results_->sync(); !ok && !fatal_error_) fatal_error_ = ok.error();
    // Re-sent lines (in doubt before) were appended after their old record: keep only the last, as the
    // journal says. Rare (--retry-in-doubt, or an idempotent line in doubt), and streamed like the start.
    if (results_ && journal_ && replaced_) {
        results_.reset();
        if (auto ok = detail::rebuild_results(o_.results_path, *journal_, scan); !ok && !fatal_error_) fatal_error_ = ok.error();
    }
    if (fatal_error_) return *fatal_error_;
    Summary s;
    s.not_started = not_started_;
    s.counts = progress_;
    s.interrupted = interrupted_.load();
    return s;
}

Result<Summary> run_passes(Client& client, const Options& options, const Pass& pass) {
    if (auto ok = check_output_files(options); !ok) return ok.error();
    // Pass 1: every line is validated before anything is sent.
    long long invalid = 0, guarded = 0;
    std::optional<std::pair<long long, std::string>> first_bad;
    auto scan = pass([&](Item& item) {
        detail::validate_item(item, client.config(), options.check_line);
        if (!item.problem && !idempotent(*item.spec)) ++guarded;
        if (!item.problem && !options.skip_existing.empty())
            if (auto list = existing_lookup(*item.spec, options.skip_existing); !list) item.problem = list.error();
        if (item.problem) {
            ++invalid;
            if (!first_bad) first_bad.emplace(item.line, item.problem->message);
        }
        return true;
    });
    if (!scan) return scan.error();
    if (invalid > 0 && !options.skip_invalid)
        return invalid_input(fmt::format("{} invalid line(s), first at line {}: {}; nothing was sent", invalid,
                                         first_bad->first, first_bad->second));
    // Opened before anything is sent, and only when a line needs it: a damaged record stops the run here.
    std::unique_ptr<detail::Ledger> ledger;
    if (options.guard && guarded > 0) {
        auto l = detail::Ledger::open(*options.guard);
        if (!l) return l.error();
        ledger = std::move(*l);
    }
    detail::JournalState state;
    std::unique_ptr<detail::Journal> journal;
    std::unique_ptr<detail::ResultsAppender> results;
    if (!options.results_path.empty()) {
        auto j = detail::Journal::open(options.results_path + ".journal", *scan, options.resume, options.inputs, state);
        if (!j) return j.error();
        journal = std::move(*j);
        // A new run creates the results file; a resumed one starts from the journal's view of it, whatever
        // a killed run left there.
        auto r = journal->created() ? detail::ResultsAppender::create(options.results_path)
                                    : detail::ResultsAppender::resume(options.results_path, *journal, state, options.inputs);
        if (!r) {
            journal->discard();  // a refused run leaves no journal behind (only one it created)
            return r.error();
        }
        results = std::move(*r);
        if (!journal->created())
            if (auto ok = journal->cut_torn_tail(state.journal_bytes); !ok) return ok.error();
    }
    // Pass 2: plan and send.
    Run run(client, options, journal.get(), std::move(results), state, scan->lines, ledger.get());
    run.run(pass, *scan);
    return run.finish(*scan);
}

}  // namespace

Result<Unit> check_output_files(const Options& options) {
    if (options.results_path.empty()) {
        if (options.resume) return invalid_input("resuming needs a results file");
        return Unit{};
    }
    return detail::check_outputs(options.results_path, options.resume, options.inputs);
}

Runner::Runner(Client& client, Options options) : client_(client), options_(std::move(options)) {}

Result<Summary> Runner::run(const Source& source) {
    return run_passes(client_, options_, [&](const LineVisitor& visit) { return source.each(visit); });
}

Result<Summary> Runner::run(const Input& input) {
    Scan scan;
    scan.fingerprint = input.fingerprint;
    for (const auto& item : input.items) scan.last_line = std::max(scan.last_line, item.line);
    return run_passes(client_, options_, [&](const LineVisitor& visit) -> Result<Scan> {
        auto s = scan;
        for (const auto& item : input.items) {
            Item copy = item;
            ++s.lines;
            if (!visit(copy)) break;
        }
        return s;
    });
}

}  // namespace ccai::batch
