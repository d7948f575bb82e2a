// The cache's files. Every path is reached through a directory descriptor opened without following a
// symbolic link, and every file opened with O_NOFOLLOW and checked with fstat, so a planted link, FIFO or
// another user's file is never followed, read or written.
#include "cache/cache_store.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <vector>

#include <fmt/format.h>

#include "util/file_kind.hpp"

namespace ccai::detail {

namespace {
constexpr std::string_view kMagic = "ccai-cache 1\n";
constexpr const char* kDropped = ".dropped";
// A status line and a content type are short; anything longer is not one of ours.
constexpr std::size_t kMaxHead = 1024;

struct Fd {
    int fd = -1;
    explicit Fd(int f) : fd(f) {}
    Fd(const Fd&) = delete;
    Fd& operator=(const Fd&) = delete;
    ~Fd() {
        if (fd >= 0) ::close(fd);
    }
};

template <class T>
bool parse_number(std::string_view text, T& out) {
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
    return !text.empty() && ec == std::errc() && end == text.data() + text.size();
}

// A private regular file of ours in `dir_fd`, read whole when it is at most `max` bytes.
std::optional<std::string> read_private_file(int dir_fd, const char* name, std::size_t max) {
    const Fd fd(::openat(dir_fd, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC));
    if (fd.fd < 0) return std::nullopt;
    struct stat st {};
    if (::fstat(fd.fd, &st) != 0 || !S_ISREG(st.st_mode) || st.st_uid != ::geteuid() || (st.st_mode & 077) != 0 ||
        static_cast<std::uint64_t>(st.st_size) > max)
        return std::nullopt;
    std::string text(static_cast<std::size_t>(st.st_size), '\0');
    std::size_t got = 0;
    while (got < text.size()) {
        const auto n = ::read(fd.fd, text.data() + got, text.size() - got);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return std::nullopt;  // shrunk while read: a miss
        got += static_cast<std::size_t>(n);
    }
    return text;
}

// Written to a fresh private file, then renamed over `name`: a reader sees the old file or the new one whole.
bool write_atomically(int dir_fd, const std::string& name, std::string_view bytes) {
    static std::atomic<unsigned> counter{0};
    const auto tmp = fmt::format(".tmp-{}-{}-{}", name.substr(0, 16), ::getpid(), counter++);
    const int fd = ::openat(dir_fd, tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (fd < 0) return false;
    bool ok = true;
    for (std::size_t done = 0; ok && done < bytes.size();) {
        const auto n = ::write(fd, bytes.data() + done, bytes.size() - done);
        if (n < 0 && errno == EINTR) continue;
        ok = n > 0;
        if (ok) done += static_cast<std::size_t>(n);
    }
    ok = ::close(fd) == 0 && ok;
    if (ok && ::renameat(dir_fd, tmp.c_str(), dir_fd, name.c_str()) == 0) return true;
    ::unlinkat(dir_fd, tmp.c_str(), 0);
    return false;
}

}  // namespace

bool is_cache_key(std::string_view name) {
    return name.size() == 64 && name.find_first_not_of("0123456789abcdef") == std::string_view::npos;
}

std::size_t empty_cache_family(int fam_fd) {
    const int dup = ::dup(fam_fd);
    if (dup < 0) return 0;
    DIR* d = ::fdopendir(dup);
    if (d == nullptr) {
        ::close(dup);
        return 0;
    }
    std::size_t answers = 0;
    while (const dirent* e = ::readdir(d)) {
        const std::string_view name = e->d_name;
        if (name == "." || name == ".." || name == kDropped) continue;
        // unlinkat never follows a link: a planted one is removed itself, its target untouched.
        if (::unlinkat(fam_fd, e->d_name, 0) == 0 && is_cache_key(name)) ++answers;
    }
    ::closedir(d);
    return answers;
}

std::string encode_cache_entry(const CacheEntry& e) {
    return fmt::format("{}{} {} {}\n{}\n{}", kMagic, e.sent_ms, e.status, e.body.size(), e.content_type, e.body);
}

std::optional<CacheEntry> decode_cache_entry(std::string_view text, std::size_t max_body) {
    if (!text.starts_with(kMagic)) return std::nullopt;
    text.remove_prefix(kMagic.size());
    const auto line_end = text.find('\n');
    if (line_end == std::string_view::npos || line_end > kMaxHead) return std::nullopt;
    const auto line = text.substr(0, line_end);
    const auto sp1 = line.find(' ');
    const auto sp2 = sp1 == std::string_view::npos ? sp1 : line.find(' ', sp1 + 1);
    if (sp2 == std::string_view::npos) return std::nullopt;
    CacheEntry e;
    std::size_t size = 0;
    if (!parse_number(line.substr(0, sp1), e.sent_ms) || !parse_number(line.substr(sp1 + 1, sp2 - sp1 - 1), e.status) ||
        !parse_number(line.substr(sp2 + 1), size) || e.sent_ms < 0 || e.status < 100 || e.status > 599 || size > max_body)
        return std::nullopt;
    text.remove_prefix(line_end + 1);
    const auto type_end = text.find('\n');
    if (type_end == std::string_view::npos || type_end > kMaxHead) return std::nullopt;
    e.content_type = std::string(text.substr(0, type_end));
    if (std::any_of(e.content_type.begin(), e.content_type.end(),
                    [](unsigned char c) { return c < 0x20 || c == 0x7f; }))
        return std::nullopt;  // it goes back into a header (the proxy's answer)
    text.remove_prefix(type_end + 1);
    if (text.size() != size) return std::nullopt;  // truncated, or something appended
    e.body = std::string(text);
    return e;
}

bool valid_family(std::string_view family) {
    return !family.empty() && family.size() <= 64 &&
           family.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789-") == std::string_view::npos &&
           family.front() != '-';
}

OpenedDir open_private_dir(const std::string& dir, int parent_fd) {
    OpenedDir out;
    const int fd = parent_fd >= 0 ? ::openat(parent_fd, dir.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
                                  : ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0) {
        if (errno == ENOENT) return out;
        struct stat st {};
        const bool link = (parent_fd >= 0 ? ::fstatat(parent_fd, dir.c_str(), &st, AT_SYMLINK_NOFOLLOW)
                                          : ::lstat(dir.c_str(), &st)) == 0 && !S_ISDIR(st.st_mode);
        out.problem = link ? fmt::format("cache: {} is {}, not a directory: remove it (ccai-cli creates the directory)", dir,
                                         file_kind(st.st_mode))
                           : fmt::format("cache: cannot open {}: {}", dir, std::strerror(errno));
        return out;
    }
    struct stat st {};
    if (::fstat(fd, &st) != 0)
        out.problem = fmt::format("cache: cannot check {}: {}", dir, std::strerror(errno));
    else if (st.st_uid != ::geteuid())
        out.problem = fmt::format("cache: {} belongs to uid {}, not to you (uid {}): set XDG_CACHE_HOME to a directory of "
                                  "your own", dir, st.st_uid, ::geteuid());
    else if ((st.st_mode & 077) != 0)
        out.problem = fmt::format("cache: {} may be used by others (mode {:o}): run chmod 700 {}", dir, st.st_mode & 0777, dir);
    if (!out.problem.empty()) {
        ::close(fd);
        return out;
    }
    out.fd = fd;
    return out;
}

int CacheStore::open_family(std::string_view family, bool create) const {
    if (!valid_family(family)) return -1;
    const auto root = open_private_dir(dir_);
    if (root.fd < 0) return -1;
    const Fd root_fd(root.fd);
    const std::string name(family);
    if (create && ::mkdirat(root_fd.fd, name.c_str(), 0700) != 0 && errno != EEXIST) return -1;
    return open_private_dir(name, root_fd.fd).fd;
}

std::optional<CacheEntry> CacheStore::load(std::string_view family, const std::string& key) const {
    if (!is_cache_key(key)) return std::nullopt;
    const Fd fam(open_family(family, false));
    if (fam.fd < 0) return std::nullopt;
    auto text = read_private_file(fam.fd, key.c_str(), max_body_ + kMagic.size() + 2 * kMaxHead);
    if (!text) return std::nullopt;
    return decode_cache_entry(*text, max_body_);
}

bool CacheStore::save(std::string_view family, const std::string& key, const CacheEntry& entry) const {
    if (!is_cache_key(key) || entry.body.size() > max_body_) return false;
    const Fd fam(open_family(family, true));
    return fam.fd >= 0 && write_atomically(fam.fd, key, encode_cache_entry(entry));
}

void CacheStore::remove(std::string_view family, const std::string& key) const {
    if (!is_cache_key(key)) return;
    const Fd fam(open_family(family, false));
    if (fam.fd < 0) return;
    ::unlinkat(fam.fd, key.c_str(), 0);
    ::unlinkat(fam.fd, (key + ".lock").c_str(), 0);
}

std::int64_t CacheStore::dropped_at(std::string_view family) const {
    const Fd fam(open_family(family, false));
    if (fam.fd < 0) return 0;
    const auto text = read_private_file(fam.fd, kDropped, 32);
    std::int64_t ms = 0;
    if (!text || !parse_number(std::string_view(*text), ms)) return 0;
    return ms;
}

std::size_t CacheStore::drop(std::string_view family, std::int64_t now_ms) const {
    if (!family.empty()) {
        // Created if missing: an answer fetched before this write and stored after it must still be refused.
        const Fd fam(open_family(family, true));
        if (fam.fd < 0) return 0;
        write_atomically(fam.fd, kDropped, fmt::format("{}", now_ms));
        return empty_cache_family(fam.fd);
    }
    const auto root = open_private_dir(dir_);
    if (root.fd < 0) return 0;
    const Fd root_fd(root.fd);
    const int dup = ::dup(root_fd.fd);
    DIR* d = dup >= 0 ? ::fdopendir(dup) : nullptr;
    if (d == nullptr) {
        if (dup >= 0) ::close(dup);
        return 0;
    }
    std::vector<std::string> families;
    while (const dirent* e = ::readdir(d))
        if (valid_family(e->d_name)) families.emplace_back(e->d_name);
    ::closedir(d);
    std::size_t removed = 0;
    for (const auto& f : families) removed += drop(f, now_ms);
    return removed;
}

CacheStore::Lock::~Lock() {
    if (fd_ >= 0) ::close(fd_);  // closing the description releases its lock
}

CacheStore::Lock CacheStore::lock(std::string_view family, const std::string& key, Clock& clock, Duration wait,
                                  Interruption* interruption, const std::function<void()>& on_wait) const {
    if (!is_cache_key(key)) return Lock();
    const Fd fam(open_family(family, true));
    if (fam.fd < 0) return Lock();
    const auto name = key + ".lock";
    const auto until = clock.now() + wait;
    bool announced = false;
    for (;;) {
        const int fd = ::openat(fam.fd, name.c_str(), O_RDWR | O_CREAT | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC, 0600);
        if (fd < 0) return Lock();
        Lock held(fd);
        struct stat st {};
        if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || st.st_uid != ::geteuid()) return Lock();
        struct flock fl {};
        fl.l_type = F_WRLCK;
        fl.l_whence = SEEK_SET;
        // Polled rather than F_OFD_SETLKW: the wait stays bounded and Ctrl-C ends it.
        for (;;) {
            if (::fcntl(fd, F_OFD_SETLK, &fl) == 0) break;
            if (errno != EAGAIN && errno != EACCES && errno != EINTR) return Lock();
            if (!announced && on_wait) on_wait();
            announced = true;
            if (clock.now() >= until || (interruption && interruption->requested)) return Lock();
            clock.sleep_for(std::chrono::milliseconds(10));
        }
        // A sweep or `cache clear` may have unlinked the file while we waited: a lock on that inode excludes
        // nobody who opens the path now, so the path's current file is locked instead.
        struct stat now {};
        if (::fstatat(fam.fd, name.c_str(), &now, AT_SYMLINK_NOFOLLOW) == 0 && now.st_ino == st.st_ino && now.st_dev == st.st_dev)
            return held;
        if (clock.now() >= until) return Lock();
    }
}

}  // namespace ccai::detail
