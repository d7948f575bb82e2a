// Removing what nobody can use any more: without it the cache only grows, since an entry is otherwise
// removed only by a write of its family, by `cache clear`, or when it is looked up past the longest TTL.
#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <string>
#include <vector>

#include "cache/cache_store.hpp"

namespace ccai::detail {

namespace {
constexpr const char* kStamp = ".swept";

std::int64_t mtime_ms(const struct stat& st) {
    return std::int64_t{st.st_mtim.tv_sec} * 1000 + st.st_mtim.tv_nsec / 1000000;
}

std::vector<std::string> names_in(int dir_fd, std::size_t max) {
    std::vector<std::string> out;
    const int dup = ::dup(dir_fd);
    DIR* d = dup >= 0 ? ::fdopendir(dup) : nullptr;
    if (d == nullptr) {
        if (dup >= 0) ::close(dup);
        return out;
    }
    while (const dirent* e = ::readdir(d)) {
        const std::string_view name = e->d_name;
        if (name != "." && name != "..") out.emplace_back(name);
        if (out.size() >= max) break;
    }
    ::closedir(d);
    return out;
}

// True when this process should sweep now: the stamp file is older than `every_ms` (or missing, or from
// the future), and it is touched so that other processes skip until then.
bool claim_sweep(int root_fd, std::int64_t now_ms, std::int64_t every_ms) {
    const int fd = ::openat(root_fd, kStamp, O_RDWR | O_CREAT | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC, 0600);
    if (fd < 0) return false;
    struct stat st {};
    bool due = ::fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_uid == ::geteuid();
    const auto age = now_ms - mtime_ms(st);
    due = due && (age >= every_ms || age < 0);
    if (due) {
        const struct timespec times[2] = {{now_ms / 1000, (now_ms % 1000) * 1000000}, {now_ms / 1000, (now_ms % 1000) * 1000000}};
        due = ::futimens(fd, times) == 0;
    }
    ::close(fd);
    return due;
}

// A lock file nobody holds: taken (so a holder cannot appear meanwhile) and unlinked while held. A process
// that opened it before the unlink notices the inode is gone (CacheStore::lock) and opens a new one.
bool remove_unheld_lock(int fam_fd, const std::string& name) {
    const int fd = ::openat(fam_fd, name.c_str(), O_RDWR | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0) return false;
    struct flock fl {};
    fl.l_type = F_WRLCK;
    fl.l_whence = SEEK_SET;
    const bool free = ::fcntl(fd, F_OFD_SETLK, &fl) == 0;
    const bool removed = free && ::unlinkat(fam_fd, name.c_str(), 0) == 0;
    ::close(fd);
    return removed;
}
}  // namespace

std::size_t CacheStore::sweep(std::int64_t now_ms, const SweepLimits& limits) const {
    const auto root = open_private_dir(dir_);
    if (root.fd < 0) return 0;
    std::size_t removed = 0;
    if (claim_sweep(root.fd, now_ms, limits.every_ms)) {
        std::size_t budget = limits.max_files;
        for (const auto& family : names_in(root.fd, budget)) {
            if (!valid_family(family) || budget == 0) continue;
            const auto fam = open_private_dir(family, root.fd);
            if (fam.fd < 0) continue;
            for (const auto& name : names_in(fam.fd, budget)) {
                --budget;
                struct stat st {};
                if (::fstatat(fam.fd, name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) continue;
                const auto age = now_ms - mtime_ms(st);
                if (is_cache_key(name) && age > limits.entry_ms) removed += ::unlinkat(fam.fd, name.c_str(), 0) == 0;
                else if (name.starts_with(".tmp-") && age > limits.tmp_ms) removed += ::unlinkat(fam.fd, name.c_str(), 0) == 0;
                else if (name.ends_with(".lock") && is_cache_key(std::string_view(name).substr(0, name.size() - 5)) &&
                         age > limits.lock_ms)
                    removed += remove_unheld_lock(fam.fd, name);
                if (budget == 0) break;
            }
            ::close(fam.fd);
        }
    }
    ::close(root.fd);
    return removed;
}

}  // namespace ccai::detail
