// The batch runner: decides what each line needs (send, skip, report in doubt), then sends with N threads
// through one Client, journaling each line before and after.
#include <atomic>
#include <thread>

#include <fmt/format.h>

#include "batch_internal.hpp"

namespace ccai::batch {

namespace {

bool idempotent(const EndpointSpec& spec) { return spec.method == "GET" || spec.method == "PUT" || spec.method == "DELETE"; }

Record base_record(const Item& item) {
    Record r;
    r.line = item.line;
    r.id = item.id;
    r.op = item.op;
    return r;
}

// One run's shared state. Every mutation of records and counts happens under mu_.
class Run {
public:
    Run(Client& client, const Options& o, detail::Journal* journal, long long total)
        : client_(client), o_(o), journal_(journal) {
        progress_.total = total;
        if (!o_.results_path.empty()) appender_ = std::make_unique<detail::ResultsAppender>(o_.results_path);
    }

    void adopt(const detail::JournalState& state) {
        for (const auto& [line, r] : state.done) count(r.outcome, +1);
        records_ = state.done;
    }

    std::vector<const Item*> plan(const Input& input, const detail::JournalState& state);
    void work(const std::vector<const Item*>& todo);
    Result<Summary> finish();

private:
    void count(Outcome o, int delta);
    void record(Record r);
    void send(const Item& item);
    nlohmann::json error_json(const ApiError& e) const { return o_.error_json ? o_.error_json(e) : error_to_json(e); }
    bool stopping() { return fatal_.load() || (o_.stop && o_.stop()); }

    Client& client_;
    const Options& o_;
    detail::Journal* journal_;
    std::unique_ptr<detail::ResultsAppender> appender_;
    std::mutex mu_;
    std::map<long long, Record> records_;
    Progress progress_;
    std::atomic<size_t> next_{0};
    std::atomic<long long> started_{0};
    long long not_started_ = 0;
    std::atomic<bool> fatal_{false};
    std::atomic<bool> interrupted_{false};
    std::optional<ApiError> fatal_error_;
};

void Run::count(Outcome o, int delta) {
    auto& c = o == Outcome::ok ? progress_.ok : o == Outcome::failed ? progress_.failed
            : o == Outcome::in_doubt ? progress_.in_doubt : progress_.invalid;
    c += delta;
    progress_.done += delta;
}

void Run::record(Record r) {
    std::lock_guard lock(mu_);
    if (journal_)
        if (auto ok = journal_->finished(r); !ok && !fatal_error_) {
            fatal_error_ = ok.error();
            fatal_ = true;
        }
    if (auto it = records_.find(r.line); it != records_.end()) count(it->second.outcome, -1);
    count(r.outcome, +1);
    if (appender_) appender_->append(r);
    if (o_.on_record) o_.on_record(r);
    if (o_.on_progress) o_.on_progress(progress_);
    if (!o_.results_path.empty()) records_[r.line] = std::move(r);  // kept only to rewrite the file at the end
}

// What earlier runs left decides each line: done lines stay done; a line in doubt is re-sent only when
// that cannot duplicate anything (GET/PUT/DELETE) or the user asked for it.
std::vector<const Item*> Run::plan(const Input& input, const detail::JournalState& state) {
    std::vector<const Item*> todo;
    for (const auto& item : input.items) {
        const auto done = state.done.find(item.line);
        const bool doubt = state.started.count(item.line) || (done != state.done.end() && done->second.outcome == Outcome::in_doubt);
        if (item.problem) {
            if (done == state.done.end()) {
                auto r = base_record(item);
                r.outcome = Outcome::invalid;
                r.error = error_json(*item.problem);
                record(std::move(r));
            }
        } else if (doubt && (o_.retry_in_doubt || idempotent(*item.spec))) {
            todo.push_back(&item);
        } else if (doubt) {
            if (done == state.done.end()) {
                auto r = base_record(item);
                r.outcome = Outcome::in_doubt;
                r.error = {{"kind", "in_doubt"}, {"exit_code", 10},
                           {"message", "an earlier run sent this line but stopped before its outcome was recorded; "
                                       "not re-sent (check the service, or use --retry-in-doubt)"}};
                record(std::move(r));
            }
        } else if (done == state.done.end()) {
            todo.push_back(&item);
        }
    }
    return todo;
}

void Run::send(const Item& item) {
    auto r = base_record(item);
    CallStats stats;
    auto request = client_.prepare(*item.spec, item.args);
    auto response = request ? client_.send(std::move(*request), &stats) : Result<HttpResponse>(request.error());
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
    {
        std::lock_guard lock(mu_);
        progress_.retries += std::max(0, stats.attempts - 1);
        progress_.pacer_wait += stats.pacer_wait;
        ++progress_.sent_this_run;
    }
    record(std::move(r));
}

void Run::work(const std::vector<const Item*>& todo) {
    const auto worker = [&] {
        while (true) {
            if (stopping()) {
                interrupted_ = !fatal_.load();
                return;
            }
            const size_t i = next_++;
            if (i >= todo.size()) return;
            if (journal_)
                if (auto ok = journal_->started(todo[i]->line); !ok) {
                    std::lock_guard lock(mu_);
                    if (!fatal_error_) fatal_error_ = ok.error();
                    fatal_ = true;
                    return;
                }
            ++started_;
            send(*todo[i]);
        }
    };
    const int n = std::max(1, std::min<int>(o_.concurrency, static_cast<int>(todo.size())));
    std::vector<std::thread> threads;
    for (int t = 1; t < n; ++t) threads.emplace_back(worker);
    worker();
    for (auto& t : threads) t.join();
    not_started_ = static_cast<long long>(todo.size()) - started_.load();
}

Result<Summary> Run::finish() {
    Summary s;
    s.not_started = not_started_;
    s.counts = progress_;
    s.interrupted = interrupted_.load();
    if (!o_.results_path.empty())
        if (auto ok = detail::write_results(o_.results_path, records_); !ok) return ok.error();
    if (fatal_error_) return *fatal_error_;
    return s;
}

}  // namespace

Runner::Runner(Client& client, Options options) : client_(client), options_(std::move(options)) {}

Result<Summary> Runner::run(const Input& input) {
    const auto bad = invalid_items(input);
    if (!bad.empty() && !options_.skip_invalid)
        return invalid_input(fmt::format("{} invalid line(s), first at line {}: {}; nothing was sent", bad.size(),
                                         bad.front()->line, bad.front()->problem->message));
    if (options_.resume && options_.results_path.empty()) return invalid_input("resuming needs a results file");
    detail::JournalState state;
    std::unique_ptr<detail::Journal> journal;
    if (!options_.results_path.empty()) {
        auto j = detail::Journal::open(options_.results_path + ".journal", input, options_.resume, state);
        if (!j) return j.error();
        journal = std::move(*j);
        // Start from a consistent file: whatever a killed run left is replaced by the journal's view.
        if (auto ok = detail::write_results(options_.results_path, state.done); !ok) return ok.error();
    }
    Run run(client_, options_, journal.get(), static_cast<long long>(input.items.size()));
    run.adopt(state);
    const auto todo = run.plan(input, state);
    run.work(todo);
    return run.finish();
}

}  // namespace ccai::batch
