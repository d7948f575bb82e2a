// The batch journal: what makes a killed batch resumable without losing or repeating a line.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

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

Result<Unit> check_header(const std::string& first, const Input& input, const std::string& path) {
    const auto h = nlohmann::json::parse(first, nullptr, false);
    if (!h.is_object() || h.value("journal", 0) != 1) return invalid_input(fmt::format("{} is not a batch journal", path));
    if (h.value("fingerprint", "") != hex(input.fingerprint) || h.value("lines", -1LL) != (long long)input.items.size())
        return invalid_input(fmt::format("{} belongs to a different input file; use the same input to resume, or "
                                         "remove the journal to start over", path));
    return Unit{};
}

void replay_entry(const nlohmann::json& e, JournalState& state) {
    if (!e.is_object()) return;
    if (auto it = e.find("start"); it != e.end() && it->is_number_integer()) {
        state.started.insert(it->get<long long>());
        return;
    }
    if (auto it = e.find("done"); it != e.end() && e.contains("record")) {
        if (auto r = Record::from_json(e["record"])) {
            state.started.erase(r->line);
            state.done[r->line] = std::move(*r);
        }
    }
}

// Replays the complete lines and returns the byte length they cover (the torn tail is cut there).
Result<off_t> replay(const std::string& text, const Input& input, const std::string& path, JournalState& state) {
    const auto complete = text.rfind('\n');
    if (complete == std::string::npos) return invalid_input(fmt::format("{} is empty or torn at its header; remove it", path));
    std::istringstream lines(text.substr(0, complete + 1));
    std::string line;
    std::getline(lines, line);
    if (auto ok = check_header(line, input, path); !ok) return ok.error();
    while (std::getline(lines, line)) replay_entry(nlohmann::json::parse(line, nullptr, false), state);
    return static_cast<off_t>(complete + 1);
}

Result<int> create(const std::string& path, const Input& input) {
    const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_APPEND | O_CLOEXEC, 0600);
    if (fd < 0) return io_error("cannot create journal", path);
    const nlohmann::json header = {{"journal", 1}, {"fingerprint", hex(input.fingerprint)}, {"lines", input.items.size()}};
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

Result<std::unique_ptr<Journal>> Journal::open(const std::string& path, const Input& input, bool resume,
                                               JournalState& state) {
    struct stat st{};
    if (::stat(path.c_str(), &st) != 0) {
        auto fd = create(path, input);
        if (!fd) return fd.error();
        return std::unique_ptr<Journal>(new Journal(*fd));
    }
    if (!resume)
        return invalid_input(fmt::format("{} exists from an earlier run: pass --resume to continue it, or remove it "
                                         "to start over (lines it marks as sent would be sent again)", path));
    std::ifstream in(path, std::ios::binary);
    std::stringstream text;
    text << in.rdbuf();
    auto valid_length = replay(text.str(), input, path, state);
    if (!valid_length) return valid_length.error();
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

Result<Unit> write_results(const std::string& path, const std::map<long long, Record>& records) {
    const auto tmp = path + ".tmp";
    const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0) return io_error("cannot write results", tmp);
    bool ok = true;
    for (const auto& [line, r] : records)
        ok = ok && write_all(fd, r.to_json().dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n");
    ok = ok && ::fsync(fd) == 0;
    ::close(fd);
    if (!ok || ::rename(tmp.c_str(), path.c_str()) != 0) return io_error("cannot write results", path);
    fsync_parent(path);
    return Unit{};
}

ResultsAppender::ResultsAppender(const std::string& path)
    : fd_(::open(path.c_str(), O_WRONLY | O_APPEND | O_CLOEXEC)) {}

ResultsAppender::~ResultsAppender() {
    if (fd_ >= 0) ::close(fd_);
}

void ResultsAppender::append(const Record& r) {
    if (fd_ < 0) return;  // the final rewrite from the journal still produces the full file
    std::lock_guard lock(mu_);
    write_all(fd_, r.to_json().dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n");
}

}  // namespace ccai::batch::detail
