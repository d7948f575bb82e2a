// The record of lines sent (ledger.hpp): read, claimed, resolved and compacted under one fcntl lock.
#include "batch/ledger.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <random>
#include <vector>

#include <fmt/format.h>

#include "batch/internal.hpp"
#include "pacer/internal.hpp"
#include "secrets/sha256.hpp"

namespace ccai::batch::detail {

namespace {

constexpr std::string_view kHeader = "ccai-sent 1\n";
constexpr std::size_t kEntryBytes = 2 + 32 + 1;  // "K " + fingerprint + " ", then the seconds and '\n'
constexpr std::string_view kWhat = "batch: the record of sent lines";

// fcntl locks belong to the process: its own threads and ledgers take turns first.
std::mutex& process_mutex() {
    static std::mutex mu;
    return mu;
}

std::string hex(const LineKey& k) { return fmt::format("{:016x}{:016x}", k[0], k[1]); }

bool parse_hex(std::string_view text, LineKey& out) {
    if (text.size() != 32) return false;
    for (int half = 0; half < 2; ++half) {
        std::uint64_t v = 0;
        for (char c : text.substr(static_cast<std::size_t>(half) * 16, 16)) {
            int d = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
            if (d < 0) return false;
            v = v << 4 | static_cast<std::uint64_t>(d);
        }
        out[static_cast<std::size_t>(half)] = v;
    }
    return true;
}

long long system_seconds() {
    return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

// The state file checks are shared with the pacer, whose file is safe to remove. This one is not: say so.
Result<int> open_record(int dir_fd, const std::string& name, const std::string& path, bool create) {
    auto opened = ccai::detail::open_private_state_file(dir_fd, name, path, create, kWhat);
    if (!opened && opened.error().message.find("remove") != std::string::npos) {
        auto e = opened.error();
        e.message += fmt::format(". Removing it forgets every line it records as sent: a later batch would send them "
                                 "again (if it is a file of yours, keep a copy: cp {} {}.bad)", path, path);
        return e;
    }
    return opened;
}

}  // namespace

LineKey line_key(const HttpRequest& request) {
    nlohmann::json body;  // null: no body
    if (!request.body.empty()) {
        body = nlohmann::json::parse(request.body, nullptr, false);
        if (body.is_discarded()) body = request.body;  // not JSON: the text as sent
    }
    nlohmann::json headers = nlohmann::json::object();
    for (const auto& [name, value] : request.headers) {
        std::string lower = name;
        std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return std::tolower(c); });
        headers[lower] = value;
    }
    nlohmann::json file;
    if (request.upload_file) {
        // The file's identity, not its name only: the same path holding another file (edited, replaced) is
        // another upload.
        std::error_code ec;
        const auto absolute = std::filesystem::weakly_canonical(*request.upload_file, ec);
        struct stat st {};
        const bool stated = ::stat(request.upload_file->c_str(), &st) == 0;
        file = {{"path", ec ? *request.upload_file : absolute.string()},
                {"size", stated ? static_cast<long long>(st.st_size) : -1},
                {"mtime_ns", stated ? static_cast<long long>(st.st_mtim.tv_sec) * 1'000'000'000 + st.st_mtim.tv_nsec : -1}};
    }
    const nlohmann::json canonical = {{"method", request.method}, {"url", request.url}, {"headers", std::move(headers)},
                                      {"body", std::move(body)}, {"file", std::move(file)}};
    // Object keys come out sorted: one text per request whatever order its fields were written in.
    const auto digest = ccai::detail::sha256(canonical.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
    LineKey key{0, 0};
    for (std::size_t i = 0; i < 16; ++i) key[i / 8] = key[i / 8] << 8 | digest[i];
    return key;
}

Result<std::unique_ptr<Ledger>> Ledger::open(const DuplicateGuard& guard) {
    auto dir = guard.dir.empty() ? ccai::detail::default_state_dir(guard.getenv) : guard.dir;
    if (dir.empty())
        return config_error("batch: no state directory for the record of sent lines (set XDG_STATE_HOME or HOME, or "
                            "pacer_dir)");
    if (auto ok = ccai::detail::make_state_dirs(dir); !ok) return ok.error();
    auto dir_fd = ccai::detail::open_state_dir(dir, guard.dir_shared);
    if (!dir_fd) return dir_fd.error();
    const auto name = ccai::detail::sha256_hex(guard.scope).substr(0, 32) + ".sent";
    auto lock_fd = ccai::detail::open_private_state_file(*dir_fd, name + ".lock", dir + "/" + name + ".lock", true,
                                                         "batch: lock file");
    if (!lock_fd) {
        ::close(*dir_fd);
        return lock_fd.error();
    }
    std::unique_ptr<Ledger> ledger(new Ledger(*dir_fd, *lock_fd, dir, name, guard.now ? guard.now : system_seconds));
    std::lock_guard process(process_mutex());
    if (auto ok = ledger->lock(true); !ok) return ok.error();
    auto ok = ledger->refresh();
    if (ok) ok = ledger->compact_if_large();
    ledger->unlock();
    if (!ok) return ok.error();
    return ledger;
}

Ledger::~Ledger() {
    ::close(lock_fd_);
    ::close(dir_fd_);
}

ApiError Ledger::damaged(const std::string& why) const {
    return config_error(fmt::format("{} {} is damaged ({}): the batch sends nothing more. Move it away (mv {} {}.bad) "
                                    "to start a new record; lines it recorded are then no longer recognized as sent",
                                    kWhat, path_, why, path_, path_));
}

Result<Unit> Ledger::lock(bool exclusive) {
    struct flock l {};
    l.l_type = exclusive ? F_WRLCK : F_RDLCK;
    l.l_whence = SEEK_SET;
    while (::fcntl(lock_fd_, F_SETLKW, &l) != 0)
        if (errno != EINTR) return config_error(fmt::format("{}: cannot lock {}.lock: {}", kWhat, path_, std::strerror(errno)));
    return Unit{};
}

void Ledger::unlock() {
    struct flock l {};
    l.l_type = F_UNLCK;
    l.l_whence = SEEK_SET;
    ::fcntl(lock_fd_, F_SETLK, &l);
}

// Reads what was appended since the last look; the whole file again when it is another one (compacted) or
// shorter than what was read (replaced). Under the lock.
Result<Unit> Ledger::refresh() {
    auto opened = open_record(dir_fd_, name_, path_, false);
    if (!opened) return opened.error();
    if (*opened < 0) {  // never written, or removed by the user: what was read stays known
        inode_ = 0;
        read_ = 0;
        return Unit{};
    }
    const int fd = *opened;
    struct stat st {};
    if (::fstat(fd, &st) != 0) {
        ::close(fd);
        return config_error(fmt::format("{}: cannot check {}: {}", kWhat, path_, std::strerror(errno)));
    }
    if (st.st_size > kLedgerMaxBytes) {
        ::close(fd);
        return damaged(fmt::format("{} bytes, more than the {} ccai-cli ever writes", st.st_size, kLedgerMaxBytes));
    }
    if (st.st_ino != inode_ || st.st_size < read_) {
        entries_.clear();
        inode_ = st.st_ino;
        read_ = 0;
        lines_ = 0;
    }
    auto ok = read_from(fd, read_, st.st_size);
    ::close(fd);
    return ok;
}

Result<Unit> Ledger::read_from(int fd, off_t from, off_t size) {
    LineReader reader(fd, size, from);  // only what was appended since the last look
    std::string line;
    for (int got; (got = reader.next(line)) != 0;) {
        if (got < 0) return config_error(fmt::format("{}: cannot read {}: {}", kWhat, path_, std::strerror(errno)));
        ++lines_;
        if (reader.consumed() == static_cast<off_t>(line.size()) + 1) {  // the first line
            if (line + "\n" != kHeader) return damaged("its first line is not \"ccai-sent 1\"");
            continue;
        }
        LineKey key{};
        // At most 18 digits of seconds: every such number fits a long long, so no entry can overflow it.
        const bool shaped = line.size() > kEntryBytes && line.size() <= kEntryBytes + 18 && line[1] == ' ' &&
                            line[kEntryBytes - 1] == ' ' && parse_hex(std::string_view(line).substr(2, 32), key) &&
                            std::all_of(line.begin() + kEntryBytes, line.end(), [](char c) { return c >= '0' && c <= '9'; });
        if (!shaped || (line[0] != 'c' && line[0] != 's' && line[0] != 'r'))
            return damaged(fmt::format("line {} is not an entry", lines_));
        const long long at = std::stoll(line.substr(kEntryBytes));
        if (line[0] == 'r') {
            if (auto it = entries_.find(key); it != entries_.end() && !it->second.sent) entries_.erase(it);
        } else if (line[0] == 's') entries_[key] = Entry{at, true};
        else if (auto it = entries_.find(key); it == entries_.end() || !it->second.sent) entries_[key] = Entry{at, false};
    }
    read_ = reader.consumed();  // a torn last line (a writer killed mid-entry) is left for append to cut
    return Unit{};
}

Result<std::optional<Ledger::Seen>> Ledger::lookup(const LineKey& key) {
    std::lock_guard process(process_mutex());
    if (auto ok = lock(false); !ok) return ok.error();
    auto ok = refresh();
    unlock();
    if (!ok) return ok.error();
    const auto it = entries_.find(key);
    if (it == entries_.end()) return std::optional<Seen>{};
    return std::optional<Seen>(Seen{it->second.sent, it->second.at});
}

Result<std::optional<Ledger::Seen>> Ledger::claim(const LineKey& key, bool force) {
    std::lock_guard process(process_mutex());
    if (auto ok = lock(true); !ok) return ok.error();
    auto ok = refresh();
    std::optional<Seen> seen;
    if (ok && !force)
        if (const auto it = entries_.find(key); it != entries_.end()) seen = Seen{it->second.sent, it->second.at};
    if (ok && !seen) ok = append('c', key, now_());
    unlock();
    if (!ok) return ok.error();
    return seen;
}

Result<Unit> Ledger::resolve(const LineKey& key, bool sent) {
    std::lock_guard process(process_mutex());
    if (auto ok = lock(true); !ok) return ok.error();
    auto ok = refresh();
    if (ok) ok = append(sent ? 's' : 'r', key, now_());
    if (ok) ok = compact_if_large();
    unlock();
    return ok;
}

// Under the exclusive lock, after refresh: the file holds what entries_ says.
Result<Unit> Ledger::append(char kind, const LineKey& key, long long at) {
    auto opened = open_record(dir_fd_, name_, path_, true);
    if (!opened) return opened.error();
    const int fd = *opened;
    struct Closer {
        int fd;
        ~Closer() { ::close(fd); }
    } closer{fd};
    const auto fail = [&](const char* what) {
        return config_error(fmt::format("{}: cannot {} {}: {}", kWhat, what, path_, std::strerror(errno)));
    };
    struct stat st {};
    if (::fstat(fd, &st) != 0) return fail("check");
    if (st.st_ino != inode_) {  // created since the look (it was not there): read it as it is
        entries_.clear();
        inode_ = st.st_ino;
        read_ = 0;
        lines_ = 0;
        if (auto ok = read_from(fd, 0, st.st_size); !ok) return ok.error();
    }
    off_t end = st.st_size;
    // A torn entry of a writer killed mid-line (or a torn header): cut, so this entry is not glued to it.
    if (end > read_) {
        if (::ftruncate(fd, read_) != 0) return fail("truncate");
        end = read_;
    }
    std::string text;
    if (end == 0) {
        text = kHeader;
        lines_ = 1;
    }
    text += fmt::format("{} {} {}\n", kind, hex(key), at);
    if (::pwrite(fd, text.data(), text.size(), end) != static_cast<ssize_t>(text.size())) return fail("write");
    // A claim is durable before the line goes out, a success before it is reported: a crash cannot forget either.
    if (kind != 'r' && ::fdatasync(fd) != 0) return fail("sync");
    read_ = end + static_cast<off_t>(text.size());
    ++lines_;
    // As read_from reads it: a claim after a success, and its release (--rerun), leave the line sent.
    if (kind == 'r') {
        if (auto it = entries_.find(key); it != entries_.end() && !it->second.sent) entries_.erase(it);
    } else if (kind == 's') entries_[key] = Entry{at, true};
    else if (auto it = entries_.find(key); it == entries_.end() || !it->second.sent) entries_[key] = Entry{at, false};
    return Unit{};
}

// Past kLedgerMaxEntries entries (or twice as many lines: claims and releases add lines), the newest
// kLedgerKeep are written to a new file that replaces the old by rename: a crash leaves one or the other.
Result<Unit> Ledger::compact_if_large() {
    if (entries_.size() <= kLedgerMaxEntries && lines_ <= static_cast<long long>(2 * kLedgerMaxEntries)) return Unit{};
    std::vector<std::pair<long long, LineKey>> order;
    order.reserve(entries_.size());
    for (const auto& [k, e] : entries_) order.emplace_back(e.at, k);
    std::sort(order.begin(), order.end(), [](const auto& a, const auto& b) { return a.first > b.first; });
    if (order.size() > kLedgerKeep) {
        for (std::size_t i = kLedgerKeep; i < order.size(); ++i) entries_.erase(order[i].second);
        order.resize(kLedgerKeep);
    }
    std::reverse(order.begin(), order.end());
    std::string text(kHeader);
    for (const auto& [at, k] : order) text += fmt::format("{} {} {}\n", entries_[k].sent ? 's' : 'c', hex(k), at);
    const auto temp = fmt::format("{}.{:016x}.tmp", name_, std::random_device{}() * 0x9e3779b97f4a7c15ULL);
    const int fd = ::openat(dir_fd_, temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (fd < 0) return config_error(fmt::format("{}: cannot compact {}: {}", kWhat, path_, std::strerror(errno)));
    const bool written = write_all(fd, text) && ::fsync(fd) == 0;
    struct stat st {};
    const bool stated = ::fstat(fd, &st) == 0;
    ::close(fd);
    if (!written || !stated || ::renameat(dir_fd_, temp.c_str(), dir_fd_, name_.c_str()) != 0) {
        const int saved = errno;
        ::unlinkat(dir_fd_, temp.c_str(), 0);
        return config_error(fmt::format("{}: cannot compact {}: {}", kWhat, path_, std::strerror(saved)));
    }
    ::fsync(dir_fd_);
    inode_ = st.st_ino;
    read_ = static_cast<off_t>(text.size());
    lines_ = static_cast<long long>(order.size()) + 1;
    return Unit{};
}

}  // namespace ccai::batch::detail
