#pragma once
// "No file changed", checked from outside: a path's inode, type, owner, mode, link count, times and bytes.
#include <doctest/doctest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fstream>
#include <sstream>
#include <string>

namespace ccai::test {

struct FileState {
    bool exists = false;
    dev_t dev = 0;
    ino_t ino = 0;
    mode_t mode = 0;  ///< type and permission bits
    uid_t uid = 0;
    nlink_t nlink = 0;
    dev_t rdev = 0;          ///< which device, for device nodes
    long long mtime_ns = 0;  ///< regular files and symlinks: any write or replacement shows here
    long long ctime_ns = 0;  ///< regular files and symlinks: chmod, chown, link counts
    std::string bytes;       ///< regular files: the content; symlinks: the target
    bool operator==(const FileState&) const = default;
};

/// The state of `path` itself (lstat: a symlink is not followed).
inline FileState file_state(const std::string& path) {
    FileState s;
    struct stat st {};
    if (::lstat(path.c_str(), &st) != 0) return s;
    s.exists = true;
    s.dev = st.st_dev;
    s.ino = st.st_ino;
    s.mode = st.st_mode;
    s.uid = st.st_uid;
    s.nlink = st.st_nlink;
    s.rdev = st.st_rdev;
    // Not for device nodes: other processes on the machine write /dev/null, and that is no change of ours.
    if (S_ISREG(st.st_mode) || S_ISLNK(st.st_mode)) {
        s.mtime_ns = st.st_mtim.tv_sec * 1'000'000'000LL + st.st_mtim.tv_nsec;
        s.ctime_ns = st.st_ctim.tv_sec * 1'000'000'000LL + st.st_ctim.tv_nsec;
    }
    if (S_ISREG(st.st_mode)) {
        std::ifstream in(path, std::ios::binary);
        std::ostringstream text;
        text << in.rdbuf();
        s.bytes = text.str();
    } else if (S_ISLNK(st.st_mode)) {
        char target[4096];
        const auto n = ::readlink(path.c_str(), target, sizeof target);
        if (n > 0) s.bytes.assign(target, static_cast<size_t>(n));
    }
    return s;
}

/// Only root can give a file to another user; elsewhere such a case is skipped, and says so.
inline bool running_as_root(const char* what) {
    if (::geteuid() == 0) return true;
    MESSAGE("skipped (needs root to chown a file to another user): " << std::string(what));
    return false;
}

inline constexpr uid_t kNobody = 65534;

}  // namespace ccai::test
