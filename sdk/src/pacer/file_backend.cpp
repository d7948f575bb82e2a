// File backend: one small state file per scope, read-modify-written under an fcntl write lock. The
// kernel drops the lock when its holder dies, so a SIGKILLed process never stalls the others.
#include <fcntl.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <mutex>

#include <fmt/format.h>

#include "ccai/proxy_claim.hpp"
#include "pacer/file_format.hpp"
#include "util/file_kind.hpp"
#include "util/xdg_dir.hpp"

namespace ccai::detail {

const char* network_filesystem(unsigned long f_type) {
    switch (f_type) {  // linux/magic.h
        case 0x6969: return "NFS";
        case 0x517B: return "SMB";
        case 0xFF534D42: return "CIFS";
        case 0xFE534D42: return "SMB2";
        case 0x5346414F: return "AFS";
        case 0x6B414653: return "AFS";
        case 0x00C36400: return "CephFS";
        default: return nullptr;
    }
}

std::string default_state_dir(const std::function<std::optional<std::string>(const char*)>& getenv) {
    const auto base = xdg_dir(getenv, "XDG_STATE_HOME", ".local/state");
    return base.empty() ? "" : base + "/ccai/pacer";
}

// mkdir -p, creating missing components 0700 (the XDG spec's mode for state directories).
Result<Unit> make_state_dirs(const std::string& dir) {
    for (size_t pos = 1; pos <= dir.size(); ++pos) {
        if (pos != dir.size() && dir[pos] != '/') continue;
        const auto part = dir.substr(0, pos);
        if (::mkdir(part.c_str(), 0700) != 0 && errno != EEXIST)
            return config_error(fmt::format("pacer: cannot create {}: {}", part, std::strerror(errno)));
    }
    return Unit{};
}

namespace {

constexpr const char* kShareHint = "to share a budget between users or hosts, use --pacer redis://HOST:PORT";

// Checks the state directory's filesystem. On a network filesystem (a home shared over NFS) every host that
// mounts it would use the same state file with its own monotonic clock, and each one's boot id would tell
// the others that the file's times are from a reboot: hosts would keep resetting each other's state and
// stall or overrun the account. Sharing between hosts is what redis is for.
std::string network_filesystem_problem(int fd, const std::string& dir) {
    struct statfs fs {};
    if (::fstatfs(fd, &fs) != 0) return "";
    const char* name = network_filesystem(static_cast<unsigned long>(fs.f_type));
    if (name == nullptr) return "";
    return fmt::format("pacer: state directory {} is on {}, shared between hosts, where the file pacer cannot keep "
                       "their budget: set pacer_dir to a local directory (e.g. /run/user/{}/ccai), or share the "
                       "budget between hosts with --pacer redis://HOST:PORT", dir, name, ::geteuid());
}

}  // namespace

// Anyone who can write the directory can replace our state file, or plant a symlink or a hard link to
// one of their victim's files for us to overwrite: it must be ours and writable by nobody else, unless
// the user says the group shares it on purpose. Opened once: every state file is then reached through
// this descriptor, so the path cannot be swapped for another directory after the check.
Result<int> open_state_dir(const std::string& dir, bool shared) {
    const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) {
        if (errno == ENOTDIR) return config_error(fmt::format("pacer: {} is not a directory: set pacer_dir to a directory", dir));
        return config_error(fmt::format("pacer: cannot open state directory {}: {}", dir, std::strerror(errno)));
    }
    struct stat st {};
    std::string why;
    if (::fstat(fd, &st) != 0)
        why = fmt::format("pacer: cannot check state directory {}: {}", dir, std::strerror(errno));
    else if (st.st_uid != ::geteuid())
        why = fmt::format("pacer: state directory {} belongs to uid {}, not to you (uid {}): set pacer_dir to a "
                          "directory of your own; {}", dir, st.st_uid, ::geteuid(), kShareHint);
    else if (st.st_mode & S_IWOTH)
        why = fmt::format("pacer: refusing world-writable state directory {} (chmod 700 {}); {}", dir, dir, kShareHint);
    else if ((st.st_mode & S_IWGRP) && !shared)
        why = fmt::format("pacer: state directory {} is group-writable: chmod 700 {}, or set pacer_dir_shared = true "
                          "if your group shares it on purpose; {}", dir, dir, kShareHint);
    if (!why.empty()) {
        ::close(fd);
        return config_error(why);
    }
    return fd;
}

// The file is overwritten or appended in place under a lock, so it must be ours alone: never a symlink,
// never a second name of another file, never readable by others.
Result<int> open_private_state_file(int dir_fd, const std::string& name, const std::string& path, bool create,
                                    std::string_view what) {
    const int flags = O_RDWR | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC | (create ? O_CREAT : 0);
    const int fd = ::openat(dir_fd, name.c_str(), flags, 0600);
    if (fd < 0) {
        if (errno == ENOENT && !create) return -1;
        if (errno == ELOOP)
            return config_error(fmt::format("{} {} is a symbolic link: remove it (ccai-cli creates a new one)", what, path));
        return config_error(fmt::format("{} {}: cannot open it: {}", what, path, std::strerror(errno)));
    }
    struct stat st {};
    std::string why;
    if (::fstat(fd, &st) != 0)
        why = fmt::format("{} {}: cannot check it: {}", what, path, std::strerror(errno));
    else if (!S_ISREG(st.st_mode))
        why = fmt::format("{} {} is {}: remove it (ccai-cli creates a new one)", what, path, detail::file_kind(st.st_mode));
    else if (st.st_uid != ::geteuid())
        why = fmt::format("{} {} belongs to uid {}, not to you (uid {}): remove it, or set pacer_dir to a directory "
                          "of your own; {}", what, path, st.st_uid, ::geteuid(), kShareHint);
    else if (st.st_nlink > 1)
        why = fmt::format("{} {} has {} hard links, so writing it would change another file: remove {} (ccai-cli "
                          "creates a new one)", what, path, st.st_nlink, path);
    else if ((st.st_mode & 077) && ::fchmod(fd, 0600) != 0)
        why = fmt::format("{} {}: cannot make it private (chmod 600): {}", what, path, std::strerror(errno));
    else if (::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) & ~O_NONBLOCK) != 0)
        why = fmt::format("{} {}: cannot use it: {}", what, path, std::strerror(errno));
    if (!why.empty()) {
        ::close(fd);
        return config_error(why);
    }
    return fd;
}

namespace {

// fcntl locks belong to the process, not the descriptor: two pacers of one process would both "hold"
// the lock, and closing either descriptor would drop it. So the process serializes its own users first.
std::mutex& process_mutex() {
    static std::mutex mu;
    return mu;
}

class FilePacer final : public StatePacer {
public:
    FilePacer(PacerOptions o, std::shared_ptr<Clock> c, int dir_fd, std::string dir, std::string name)
        : StatePacer(std::move(o), std::move(c)), dir_fd_(dir_fd), name_(std::move(name)), path_(dir + "/" + name_) {}
    ~FilePacer() override { ::close(dir_fd_); }
    FilePacer(const FilePacer&) = delete;
    FilePacer& operator=(const FilePacer&) = delete;

    /// Opens the state file (creating it when `create`): -1 when it does not exist and !create.
    Result<int> open_state(bool create) const;

protected:
    Result<Unit> transact(const Txn& fn) override;
    std::string backend_name() const override { return "file"; }
    void describe(nlohmann::json& j) const override { j["path"] = path_; }

private:
    Result<Unit> lock(int fd) const;
    PacerState load(int fd, TimePoint now, bool& repaired);
    Result<Unit> store(int fd, const PacerState& s);
    ApiError io_error(const char* what) const {
        return config_error(fmt::format("pacer: cannot {} {}: {}", what, path_, std::strerror(errno)));
    }

    int dir_fd_;
    std::string name_;
    std::string path_;
};

// The state is overwritten in place under the lock (a rename would leave other processes locking the old
// file), so the file itself must be ours alone (open_private_state_file).
Result<int> FilePacer::open_state(bool create) const {
    return open_private_state_file(dir_fd_, name_, path_, create, "pacer: state file");
}

Result<Unit> FilePacer::lock(int fd) const {
    struct flock l {};
    l.l_type = F_WRLCK;
    l.l_whence = SEEK_SET;
    while (::fcntl(fd, F_SETLKW, &l) != 0) {
        if (errno != EINTR) return io_error("lock");
    }
    return Unit{};
}

PacerState FilePacer::load(int fd, TimePoint now, bool& repaired) {
    std::string bytes;
    char buf[8192];
    ssize_t n = 0;
    for (off_t off = 0; (n = ::pread(fd, buf, sizeof buf, off)) > 0; off += n) bytes.append(buf, static_cast<size_t>(n));
    auto decoded = decode_state(bytes);
    std::string problem;
    if (auto* err = std::get_if<std::string>(&decoded)) problem = *err;
    else if (std::get<DecodedState>(decoded).boot_id != current_boot_id() && !bytes.empty()) problem = "written before a reboot";
    if (problem.empty()) {
        auto& d = std::get<DecodedState>(decoded);
        // Written by an older version: its history is known, only how far the burst allowance went is not.
        auto s = d.has_tat ? std::move(d.state) : with_missing_tat(std::move(d), spacing_of(o_.windows, o_.margin), burst_of(o_), now);
        // Times no wait or penalty can reach were not written by a working pacer: not to be trusted, nor
        // obeyed (a day's stall), nor cut to fit.
        problem = implausible(s, now, plausible_lead(o_));
        if (problem.empty()) return s;
    }
    // Unknown history: assume the window is full rather than risk a burst the server rejects.
    log(fmt::format("warning: pacer state {} unusable ({}); treating the window as full", path_, problem));
    repaired = true;
    PacerState s;
    fill_conservatively(s, o_.windows, now);
    return s;
}

Result<Unit> FilePacer::store(int fd, const PacerState& s) {
    // Overwrite in place (no truncate first): a crash mid-write leaves a bad checksum, never "empty".
    const auto bytes = encode_state(s, current_boot_id(), o_.scope);
    if (::pwrite(fd, bytes.data(), bytes.size(), 0) != static_cast<ssize_t>(bytes.size())) return io_error("write");
    if (::ftruncate(fd, static_cast<off_t>(bytes.size())) != 0) return io_error("truncate");
    return Unit{};
}

Result<Unit> FilePacer::transact(const Txn& fn) {
    std::lock_guard guard(process_mutex());
    auto opened = open_state(true);
    if (!opened) return opened.error();
    const int fd = *opened;
    struct FdCloser {
        int fd;
        ~FdCloser() { ::close(fd); }  // closing releases the lock
    } closer{fd};
    if (auto l = lock(fd); !l) return l;
    const auto now = clock_->now();
    bool repaired = false;
    auto state = load(fd, now, repaired);
    if (fn(state, now) || repaired) return store(fd, state);
    return Unit{};
}

}  // namespace

Result<std::unique_ptr<Pacer>> make_file_pacer(const PacerOptions& o, std::shared_ptr<Clock> c, bool unknown_history) {
    auto dir = o.dir.empty() ? default_state_dir() : o.dir;
    if (dir.empty()) return config_error("pacer: no state directory (set XDG_STATE_HOME or HOME, or pacer_dir)");
    if (auto r = make_state_dirs(dir); !r) return r.error();
    auto dir_fd = open_state_dir(dir, o.dir_shared);
    if (!dir_fd) return dir_fd.error();
    if (auto problem = network_filesystem_problem(*dir_fd, dir); !problem.empty()) {
        ::close(*dir_fd);
        // Only the default moves: a home shared over the network is common, and most of its users work on one
        // host at a time. This host's runtime directory (/run/user/UID) is local. A pacer_dir the user chose
        // is refused instead.
        const char* runtime = o.dir.empty() ? std::getenv("XDG_RUNTIME_DIR") : nullptr;
        if (runtime == nullptr || runtime[0] != '/') return config_error(problem);
        dir = std::string(runtime) + "/ccai/pacer";
        if (auto r = make_state_dirs(dir); !r) return r.error();
        dir_fd = open_state_dir(dir, o.dir_shared);
        if (!dir_fd) return dir_fd.error();
        if (auto again = network_filesystem_problem(*dir_fd, dir); !again.empty()) {
            ::close(*dir_fd);
            return config_error(problem);
        }
        if (o.log) o.log(fmt::format("pacer: the default state directory is on a network filesystem; using {}", dir));
    }
    auto pacer = std::make_unique<FilePacer>(o, std::move(c), *dir_fd, dir, sha256_hex(o.scope).substr(0, 32) + ".state");
    // An existing state file is checked now, so a refusal comes before any command starts its work.
    auto existing = pacer->open_state(false);
    if (!existing) return existing.error();
    if (*existing >= 0) ::close(*existing);
    if (unknown_history) {
        if (auto r = pacer->assume_full_if_unused(); !r) return r.error();
    }
    return std::unique_ptr<Pacer>(std::move(pacer));
}

}  // namespace ccai::detail

namespace ccai {

// The secret sits beside the state file and is reached the same way (the checked directory, a private
// regular file of ours): reading it proves the client is this user and shares this state and scope.
Result<std::string> proxy_claim(const PacerOptions& o, bool create) {
    using namespace detail;
    constexpr std::size_t kBytes = 32;
    if (!o.backend.empty() && o.backend != "file") return std::string();
    const auto dir = o.dir.empty() ? default_state_dir() : o.dir;
    if (dir.empty()) return create ? config_error("pacer: no state directory (set XDG_STATE_HOME or HOME, or pacer_dir)")
                                   : Result<std::string>(std::string());
    if (create)
        if (auto r = make_state_dirs(dir); !r) return r.error();
    auto dir_fd = open_state_dir(dir, o.dir_shared);
    if (!dir_fd) return create ? Result<std::string>(dir_fd.error()) : Result<std::string>(std::string());
    struct FdCloser {
        int fd;
        ~FdCloser() { if (fd >= 0) ::close(fd); }
    } dir_closer{*dir_fd};
    const auto name = sha256_hex(o.scope).substr(0, 32) + ".proxy-claim";
    auto fd = open_private_state_file(*dir_fd, name, dir + "/" + name, create, "pacer: proxy claim file");
    if (!fd) return fd.error();
    if (*fd < 0) return std::string();
    const FdCloser closer{*fd};
    std::string hex;
    if (create) {
        unsigned char raw[kBytes];
        if (::getrandom(raw, sizeof raw, 0) != static_cast<ssize_t>(sizeof raw))
            return config_error("pacer: no random bytes for the proxy claim (getrandom failed)");
        for (unsigned char b : raw) hex += fmt::format("{:02x}", b);
        if (::ftruncate(*fd, 0) != 0 || ::write(*fd, hex.data(), hex.size()) != static_cast<ssize_t>(hex.size()))
            return config_error(fmt::format("pacer: cannot write {}/{}: {}", dir, name, std::strerror(errno)));
        return hex;
    }
    char buf[2 * kBytes + 1];
    const auto got = ::read(*fd, buf, sizeof buf);
    if (got != static_cast<ssize_t>(2 * kBytes)) return std::string();  // being written, or not one: no claim
    hex.assign(buf, 2 * kBytes);
    if (hex.find_first_not_of("0123456789abcdef") != std::string::npos) return std::string();
    return hex;
}

}  // namespace ccai
