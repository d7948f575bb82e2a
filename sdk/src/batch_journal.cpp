// The batch journal: what makes a killed batch resumable without losing or repeating a line.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <limits>

#include <fmt/format.h>

#include "batch_internal.hpp"

namespace ccai::batch::detail {

namespace {

ApiError io_error(const std::string& what, const std::string& path) {
    ApiError e;
    e.kind = ErrorKind::other;
    e.message = fmt::format("{} {}: {}", what, path, std::strerror(errno));
    e.maybe_reached_server = false;
    return e;
}

std::string hex(std::uint64_t v) { return fmt::format("{:016x}", v); }

// The directory entry must be durable too, or a crash right after creation can lose the whole file.
void fsync_parent(const std::string& path) {
    const auto slash = path.rfind('/');
    const std::string dir = slash == std::string::npos ? "." : slash == 0 ? "/" : path.substr(0, slash);
    const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY);
    if (fd >= 0) {
        ::fsync(fd);
        ::close(fd);
    }
}

Result<Unit> check_header(const std::string& first, const Scan& scan, const std::string& path) {
    const auto h = nlohmann::json::parse(first, nullptr, false);
    if (!h.is_object() || h.value("journal", 0) != 1) return invalid_input(fmt::format("{} is not a batch journal", path));
    if (h.value("fingerprint", "") != hex(scan.fingerprint) || h.value("lines", -1LL) != scan.lines)
        return invalid_input(fmt::format("{} belongs to a different input file; use the same input to resume, or "
                                         "remove the journal to start over", path));
    return Unit{};
}

LineState* slot(JournalState& state, long long line) {
    return line > 0 && line < static_cast<long long>(state.lines.size()) ? &state.lines[static_cast<size_t>(line)] : nullptr;
}

void replay_entry(const nlohmann::json& e, JournalState& state) {
    if (!e.is_object()) return;
    if (auto it = e.find("start"); it != e.end() && it->is_number_integer()) {
        if (auto* s = slot(state, it->get<long long>())) s->started = true;
        return;
    }
    if (auto it = e.find("done"); it != e.end() && e.contains("record")) {
        if (auto r = Record::from_json(e["record"]))
            if (auto* s = slot(state, r->line)) {
                s->started = false;
                if (s->dones < UINT16_MAX) ++s->dones;
                s->outcome = static_cast<std::uint8_t>(static_cast<int>(r->outcome) + 1);
            }
    }
}

// Reads the journal's complete lines (those ending in '\n') one at a time; `visit` gets each after the
// header. Returns the byte length they cover (the torn tail is cut there).
template <class Visit>
Result<off_t> each_entry(const std::string& path, const Scan* check, off_t limit, Visit visit) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return io_error("cannot read journal", path);
    std::string line;
    off_t length = 0;
    bool header = true;
    while (length < limit && std::getline(in, line)) {
        if (in.eof()) break;  // no '\n': torn
        length += static_cast<off_t>(line.size()) + 1;
        if (header) {
            header = false;
            if (check)
                if (auto ok = check_header(line, *check, path); !ok) return ok.error();
            continue;
        }
        visit(line);
    }
    if (in.bad()) return io_error("cannot read journal", path);
    if (header) return invalid_input(fmt::format("{} is empty or torn at its header; remove it", path));
    return length;
}

}  // namespace

namespace {

Result<int> create(const std::string& path, const Scan& scan) {
    const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_APPEND | O_CLOEXEC, 0600);
    if (fd < 0) return io_error("cannot create journal", path);
    const nlohmann::json header = {{"journal", 1}, {"fingerprint", hex(scan.fingerprint)}, {"lines", scan.lines}};
    if (!write_all(fd, header.dump() + "\n") || ::fsync(fd) != 0) {
        ::close(fd);
        return io_error("cannot write journal", path);
    }
    fsync_parent(path);
    return fd;
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
                                               JournalState& state) {
    struct stat st{};
    if (::stat(path.c_str(), &st) != 0) {
        auto fd = create(path, scan);
        if (!fd) return fd.error();
        return std::unique_ptr<Journal>(new Journal(*fd));
    }
    if (!resume)
        return invalid_input(fmt::format("{} exists from an earlier run: pass --resume to continue it, or remove it "
                                         "to start over (lines it marks as sent would be sent again)", path));
    state.lines.assign(static_cast<size_t>(scan.last_line) + 1, LineState{});
    auto valid_length = each_entry(path, &scan, std::numeric_limits<off_t>::max(), [&](const std::string& line) {
        replay_entry(nlohmann::json::parse(line, nullptr, false), state);
    });
    if (!valid_length) return valid_length.error();
    state.journal_bytes = *valid_length;
    const int fd = ::open(path.c_str(), O_WRONLY | O_APPEND | O_CLOEXEC);
    // Cutting the torn tail keeps the next entry from being glued to half a line and lost on replay.
    if (fd < 0 || ::ftruncate(fd, *valid_length) != 0) return io_error("cannot open journal", path);
    return std::unique_ptr<Journal>(new Journal(fd));
}

Journal::~Journal() { ::close(fd_); }

Result<Unit> Journal::append(const nlohmann::json& entry, bool durable) {
    {
        std::lock_guard lock(mu_);  // one write() per entry under the lock: entries never interleave
        if (!write_all(fd_, entry.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n"))
            return io_error("cannot write journal", "entry");
    }
    // Outside the lock so threads' syncs overlap; fdatasync covers every write made before it.
    if (durable && ::fdatasync(fd_) != 0) return io_error("cannot sync journal", "entry");
    return Unit{};
}

// "start" must be on disk before the request leaves, even across a power cut: that is what prevents a
// duplicate create. "done" needs no sync: a process kill keeps it (page cache); a power cut losing it
// only turns that line into in-doubt, never into a second send.
Result<Unit> Journal::started(long long line) { return append({{"start", line}}, true); }

Result<Unit> Journal::finished(const Record& record) {
    return append({{"done", record.line}, {"record", record.to_json()}}, false);
}

Result<Unit> write_results(const std::string& path, const std::string& journal_path, const JournalState& state) {
    const auto tmp = path + ".tmp";
    const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0) return io_error("cannot write results", tmp);
    bool ok = true;
    if (state.journal_bytes > 0) {
        // Second pass over the journal: a line's record is written at its last "done" entry.
        std::vector<std::uint16_t> left(state.lines.size());
        for (size_t i = 0; i < left.size(); ++i) left[i] = state.lines[i].dones;
        auto read = each_entry(journal_path, nullptr, state.journal_bytes, [&](const std::string& line) {
            const auto e = nlohmann::json::parse(line, nullptr, false);
            if (!ok || !e.is_object() || !e.contains("done") || !e.contains("record")) return;
            const auto r = Record::from_json(e["record"]);
            if (!r || !state.at(r->line)) return;
            auto& n = left[static_cast<size_t>(r->line)];
            if (n == 0 || --n != 0) return;  // not its last entry (n == 0 only past a saturated count)
            ok = write_all(fd, r->to_json().dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n");
        });
        if (!read) {
            ::close(fd);
            return read.error();
        }
    }
    ok = ok && ::fsync(fd) == 0;
    ::close(fd);
    if (!ok || ::rename(tmp.c_str(), path.c_str()) != 0) return io_error("cannot write results", path);
    fsync_parent(path);
    return Unit{};
}

Result<Unit> rebuild_results(const std::string& path, const std::string& journal_path, const Scan& scan) {
    JournalState state;
    state.lines.assign(static_cast<size_t>(scan.last_line) + 1, LineState{});
    auto length = each_entry(journal_path, &scan, std::numeric_limits<off_t>::max(), [&](const std::string& line) {
        replay_entry(nlohmann::json::parse(line, nullptr, false), state);
    });
    if (!length) return length.error();
    state.journal_bytes = *length;
    return write_results(path, journal_path, state);
}

Result<std::unique_ptr<ResultsAppender>> ResultsAppender::open(const std::string& path) {
    const int fd = ::open(path.c_str(), O_WRONLY | O_APPEND | O_CLOEXEC);
    if (fd < 0) return io_error("cannot open results", path);
    return std::unique_ptr<ResultsAppender>(new ResultsAppender(fd, path));
}

ResultsAppender::~ResultsAppender() {
    if (fd_ >= 0) ::close(fd_);
}

Result<Unit> ResultsAppender::append(const Record& r) {
    const auto text = r.to_json().dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
    std::lock_guard lock(mu_);
    if (!write_all(fd_, text)) return io_error("cannot write results", path_);
    return Unit{};
}

Result<Unit> ResultsAppender::sync() {
    if (::fsync(fd_) != 0) return io_error("cannot sync results", path_);
    return Unit{};
}

}  // namespace ccai::batch::detail
