// The batch journal: what makes a killed batch resumable without losing or repeating a line.
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <limits>

#include <fmt/format.h>

#include "batch/internal.hpp"
#include "ccai/limits.hpp"

namespace ccai::batch::detail {

namespace {

constexpr std::string_view kJournal = "journal";
constexpr std::string_view kResults = "results file";

// A failure while the run writes or reads its own files: the run stops and says which file and why.
ApiError io_error(const std::string& what, const std::string& path) {
    ApiError e;
    e.kind = ErrorKind::other;
    e.message = fmt::format("{} {}: {}", what, path, std::strerror(errno));
    e.maybe_reached_server = false;
    return e;
}

std::string hex(std::uint64_t v) { return fmt::format("{:016x}", v); }

Result<Unit> check_header(const std::string& first, const Scan& scan, const std::string& path) {
    const auto h = parse_json_bounded(first);
    // Compared as JSON values: value() with a typed default throws when the key holds another type.
    const auto field = [&](const char* key) { return h.is_object() ? h.value(key, nlohmann::json()) : nlohmann::json(); };
    if (field("journal") != nlohmann::json(1)) return invalid_input(fmt::format("{} is not a batch journal", path));
    if (field("fingerprint") != nlohmann::json(hex(scan.fingerprint)) || field("lines") != nlohmann::json(scan.lines))
        return invalid_input(fmt::format("{} belongs to a different input file; use the same input to resume, or "
                                         "remove the journal to start over", path));
    return Unit{};
}

LineState* slot(JournalState& state, long long line) {
    return line > 0 && line < static_cast<long long>(state.lines.size()) ? &state.lines[static_cast<size_t>(line)] : nullptr;
}

// False when the entry is neither a "start", an "unsent" nor a "done" with its record: the journal was damaged.
bool replay_entry(const nlohmann::json& e, JournalState& state) {
    if (!e.is_object()) return false;
    for (const char* key : {"start", "unsent"})
        if (auto it = e.find(key); it != e.end()) {
            if (!it->is_number_integer()) return false;
            if (auto* s = slot(state, it->get<long long>())) s->started = key == std::string_view("start");
            return true;
        }
    const auto record = e.find("record");
    if (!e.contains("done") || record == e.end()) return false;
    const auto r = Record::from_json(*record);
    if (!r) return false;
    if (auto* s = slot(state, r->line)) {
        s->started = false;
        if (s->dones < UINT16_MAX) ++s->dones;
        s->outcome = static_cast<std::uint8_t>(static_cast<int>(r->outcome) + 1);
    }
    return true;
}

// Replays the whole journal (checked against `scan`) into a state sized for the input. A damaged entry
// stops the run: skipping it could send again a line it records as done.
Result<Unit> replay(const Journal& journal, const Scan& scan, JournalState& state) {
    state.lines.assign(static_cast<size_t>(scan.last_line) + 1, LineState{});
    long long number = 1;  // the header
    long long damaged = 0;
    auto length = journal.each_entry(&scan, std::numeric_limits<off_t>::max(), [&](const std::string& line) {
        ++number;
        if (damaged == 0 && !replay_entry(parse_json_bounded(line), state)) damaged = number;
    });
    if (!length) return length.error();
    if (damaged != 0)
        return invalid_input(fmt::format("journal {} is damaged (line {} is not a journal entry): fix or remove that "
                                         "line, or remove the journal to start over (lines it marks as sent would be "
                                         "sent again)", journal.path(), damaged));
    state.journal_bytes = *length;
    return Unit{};
}

ApiError journal_exists(const std::string& path) {
    return invalid_input(fmt::format("{} exists from an earlier run: pass --resume to continue it, or remove it "
                                     "to start over (lines it marks as sent would be sent again)", path));
}

// Two runs on one journal would each send the lines it leaves open: the second is refused. The kernel
// drops the lock when its holder dies, so a killed run never blocks the resume.
Result<Unit> lock(int fd, const std::string& path) {
    if (::flock(fd, LOCK_EX | LOCK_NB) == 0) return Unit{};
    if (errno == EWOULDBLOCK)
        return invalid_input(fmt::format("{} is in use by another batch run: wait for it to finish, then resume", path));
    return io_error("cannot lock journal", path);
}

std::string record_line(const Record& r) {
    return r.to_json().dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
}

}  // namespace

bool write_all(int fd, std::string_view text) {
    while (!text.empty()) {
        const auto n = ::write(fd, text.data(), text.size());
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return false;
        text.remove_prefix(static_cast<size_t>(n));
    }
    return true;
}

Result<std::unique_ptr<Journal>> Journal::open(const std::string& path, const Scan& scan, bool resume,
                                               const std::vector<FileId>& inputs, JournalState& state) {
    auto existing = inspect_output(path, kJournal, inputs);
    if (!existing) return existing.error();
    if (!*existing) {
        auto fd = create_output(path, kJournal, O_RDWR | O_APPEND);
        if (!fd) return fd.error();
        if (auto mine = lock(*fd, path); !mine) {
            ::close(*fd);  // not removed: the run that holds it may be using it
            return mine.error();
        }
        std::unique_ptr<Journal> journal(new Journal(*fd, path, true));
        const nlohmann::json header = {{"journal", 1}, {"fingerprint", hex(scan.fingerprint)}, {"lines", scan.lines}};
        if (!write_all(*fd, header.dump() + "\n") || ::fsync(*fd) != 0) {
            auto e = io_error("cannot write journal", path);
            journal->discard();
            return e;
        }
        fsync_parent(path);
        return journal;
    }
    if (!resume) return journal_exists(path);
    auto fd = open_existing_output(path, kJournal, O_RDWR | O_APPEND, inputs);
    if (!fd) return fd.error();
    std::unique_ptr<Journal> journal(new Journal(*fd, path, false));
    if (auto mine = lock(*fd, path); !mine) return mine.error();
    if (auto ok = replay(*journal, scan, state); !ok) return ok.error();
    return journal;
}

Result<Unit> Journal::cut_torn_tail(off_t length) {
    struct stat st {};
    if (::fstat(fd_, &st) == 0 && st.st_size == length) return Unit{};
    if (::ftruncate(fd_, length) != 0) return io_error("cannot cut the torn end of journal", path_);
    return Unit{};
}

Result<Unit> check_outputs(const std::string& results, bool resume, const std::vector<FileId>& inputs) {
    if (auto ok = check_output_path(results, kResults); !ok) return ok;
    const auto journal_path = results + ".journal";
    auto journal = inspect_output(journal_path, kJournal, inputs);
    if (!journal) return journal.error();
    if (*journal && !resume) return journal_exists(journal_path);
    auto existing = inspect_output(results, kResults, inputs);
    if (!existing) return existing.error();
    if (*existing && !*journal)
        return invalid_input(fmt::format("{} {} exists without its journal {}: it is never overwritten; choose a new "
                                         "path, or remove it", kResults, results, journal_path));
    return Unit{};
}

Journal::~Journal() {
    if (fd_ >= 0) ::close(fd_);
}

void Journal::discard() {
    if (!created_ || fd_ < 0) return;
    // Only if the name still holds the file this run created: never remove what someone put there since.
    struct stat mine {}, named {};
    if (::fstat(fd_, &mine) == 0 && ::lstat(path_.c_str(), &named) == 0 && mine.st_dev == named.st_dev &&
        mine.st_ino == named.st_ino)
        ::unlink(path_.c_str());
    ::close(fd_);
    fd_ = -1;
}

Result<off_t> Journal::each_entry(const Scan* check, off_t limit, const std::function<void(const std::string&)>& visit) const {
    LineReader reader(fd_, limit);
    std::string line;
    bool header = true;
    int got = 0;
    while ((got = reader.next(line)) == 1) {
        if (header) {
            header = false;
            if (check)
                if (auto ok = check_header(line, *check, path_); !ok) return ok.error();
            continue;
        }
        visit(line);
    }
    if (got < 0) return io_error("cannot read journal", path_);
    if (header) return invalid_input(fmt::format("{} is empty or torn at its header; remove it", path_));
    return reader.consumed();
}

Result<Unit> Journal::append(const nlohmann::json& entry, bool durable) {
    {
        std::lock_guard lock(mu_);  // one write() per entry under the lock: entries never interleave
        if (!write_all(fd_, entry.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n"))
            return io_error("cannot write journal", path_);
    }
    // Outside the lock so threads' syncs overlap; fdatasync covers every write made before it.
    if (durable && ::fdatasync(fd_) != 0) return io_error("cannot sync journal", path_);
    return Unit{};
}

// "start" must be on disk before the request leaves, even across a power cut: that is what prevents a
// duplicate create. "done" needs no sync: a process kill keeps it (page cache); a power cut losing it
// only turns that line into in-doubt, never into a second send.
Result<Unit> Journal::started(long long line) { return append({{"start", line}}, true); }

Result<Unit> Journal::unsent(long long line) { return append({{"unsent", line}}, false); }

Result<Unit> Journal::finished(const Record& record) {
    return append({{"done", record.line}, {"record", record.to_json()}}, false);
}

Result<int> write_results(const std::string& path, const Journal& journal, const JournalState& state) {
    auto temp = Replacement::create(path, kResults);
    if (!temp) return temp.error();
    const int fd = (*temp)->fd();
    bool ok = true;
    int write_errno = 0;  // reading on after a failed write may change errno
    if (state.journal_bytes > 0) {
        // Second pass over the journal: a line's record is written at its last "done" entry.
        std::vector<std::uint16_t> left(state.lines.size());
        for (size_t i = 0; i < left.size(); ++i) left[i] = state.lines[i].dones;
        auto read = journal.each_entry(nullptr, state.journal_bytes, [&](const std::string& line) {
            const auto e = parse_json_bounded(line);
            if (!ok || !e.is_object() || !e.contains("done") || !e.contains("record")) return;
            const auto r = Record::from_json(e["record"]);
            if (!r || !state.at(r->line)) return;
            auto& n = left[static_cast<size_t>(r->line)];
            if (n == 0 || --n != 0) return;  // not its last entry (n == 0 only past a saturated count)
            ok = write_all(fd, record_line(*r));
            if (!ok) write_errno = errno;
        });
        if (!read) return read.error();
    }
    if (!ok) {
        errno = write_errno;
        return io_error("cannot write results", path);
    }
    if (auto done = (*temp)->commit(); !done) return done.error();
    // Renamed into place: from here on the same descriptor only appends to the file now at `path`.
    if (::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) | O_APPEND) != 0) return io_error("cannot append to results", path);
    return (*temp)->release();
}

Result<Unit> rebuild_results(const std::string& path, const Journal& journal, const Scan& scan) {
    JournalState state;
    if (auto ok = replay(journal, scan, state); !ok) return ok.error();
    auto fd = write_results(path, journal, state);
    if (!fd) return fd.error();
    ::close(*fd);
    return Unit{};
}

Result<std::unique_ptr<ResultsAppender>> ResultsAppender::create(const std::string& path) {
    auto fd = create_output(path, kResults, O_WRONLY | O_APPEND);
    if (!fd) return fd.error();
    fsync_parent(path);
    return std::unique_ptr<ResultsAppender>(new ResultsAppender(*fd, path));
}

Result<std::unique_ptr<ResultsAppender>> ResultsAppender::resume(const std::string& path, const Journal& journal,
                                                                 const JournalState& state,
                                                                 const std::vector<FileId>& inputs) {
    auto seen = inspect_output(path, kResults, inputs);
    if (!seen) return seen.error();
    if (*seen) {
        // Only looked at, never written: the journal's view replaces it by rename.
        auto fd = open_existing_output(path, kResults, O_RDONLY, inputs);
        if (!fd) return fd.error();
        ::close(*fd);
    }
    auto fd = write_results(path, journal, state);
    if (!fd) return fd.error();
    return std::unique_ptr<ResultsAppender>(new ResultsAppender(*fd, path));
}

ResultsAppender::~ResultsAppender() {
    if (fd_ >= 0) ::close(fd_);
}

Result<Unit> ResultsAppender::append(const Record& r) {
    const auto text = record_line(r);
    std::lock_guard lock(mu_);
    if (!write_all(fd_, text)) return io_error("cannot write results", path_);
    return Unit{};
}

Result<Unit> ResultsAppender::sync() {
    if (::fsync(fd_) != 0) return io_error("cannot sync results", path_);
    return Unit{};
}

}  // namespace ccai::batch::detail
