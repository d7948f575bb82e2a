// File backend: one small state file per scope, read-modify-written under an fcntl write lock. The
// kernel drops the lock when its holder dies, so a SIGKILLed process never stalls the others.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <mutex>

#include <fmt/format.h>

#include "pacer_file_format.hpp"

namespace ccai::detail {
namespace {

std::string default_dir() {
    const char* xdg = std::getenv("XDG_STATE_HOME");
    if (xdg && xdg[0] == '/') return std::string(xdg) + "/ccai/pacer";
    const char* home = std::getenv("HOME");
    if (home && home[0] == '/') return std::string(home) + "/.local/state/ccai/pacer";
    return "";
}

// mkdir -p, creating missing components 0700 (the XDG spec's mode for state directories).
Result<Unit> make_dirs(const std::string& dir) {
    for (size_t pos = 1; pos <= dir.size(); ++pos) {
        if (pos != dir.size() && dir[pos] != '/') continue;
        const auto part = dir.substr(0, pos);
        if (::mkdir(part.c_str(), 0700) != 0 && errno != EEXIST)
            return config_error(fmt::format("pacer: cannot create {}: {}", part, std::strerror(errno)));
    }
    return Unit{};
}

// Anyone who can write the directory can replace our state file (or plant a symlink): refuse that for
// world-writable directories, warn for group-writable ones (a team may share a pacer dir on purpose).
Result<Unit> check_dir(const std::string& dir, const std::function<void(const std::string&)>& log) {
    struct stat st {};
    if (::stat(dir.c_str(), &st) != 0 || !S_ISDIR(st.st_mode))
        return config_error(fmt::format("pacer: {} is not a directory", dir));
    if (st.st_mode & S_IWOTH)
        return config_error(fmt::format("pacer: refusing world-writable state directory {} (chmod 700 it)", dir));
    if ((st.st_mode & S_IWGRP) && log) log(fmt::format("warning: pacer state directory {} is group-writable", dir));
    return Unit{};
}

// fcntl locks belong to the process, not the descriptor: two pacers of one process would both "hold"
// the lock, and closing either descriptor would drop it. So the process serializes its own users first.
std::mutex& process_mutex() {
    static std::mutex mu;
    return mu;
}

class FilePacer final : public StatePacer {
public:
    FilePacer(PacerOptions o, std::shared_ptr<Clock> c, std::string path)
        : StatePacer(std::move(o), std::move(c)), path_(std::move(path)) {}

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

    std::string path_;
};

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
    if (problem.empty()) return std::get<DecodedState>(std::move(decoded)).state;
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
    const int fd = ::open(path_.c_str(), O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
    if (fd < 0) return io_error("open");
    struct FdCloser {
        int fd;
        ~FdCloser() { ::close(fd); }  // closing releases the lock
    } closer{fd};
    struct stat st {};
    if (::fstat(fd, &st) == 0 && (st.st_mode & 077)) ::fchmod(fd, 0600);
    if (auto l = lock(fd); !l) return l;
    const auto now = clock_->now();
    bool repaired = false;
    auto state = load(fd, now, repaired);
    if (fn(state, now) || repaired) return store(fd, state);
    return Unit{};
}

}  // namespace

Result<std::unique_ptr<Pacer>> make_file_pacer(const PacerOptions& o, std::shared_ptr<Clock> c) {
    const auto dir = o.dir.empty() ? default_dir() : o.dir;
    if (dir.empty()) return config_error("pacer: no state directory (set XDG_STATE_HOME or HOME, or pacer_dir)");
    if (auto r = make_dirs(dir); !r) return r.error();
    if (auto r = check_dir(dir, o.log); !r) return r.error();
    const auto path = dir + "/" + sha256_hex(o.scope).substr(0, 32) + ".state";
    return std::unique_ptr<Pacer>(std::make_unique<FilePacer>(o, std::move(c), path));
}

}  // namespace ccai::detail
