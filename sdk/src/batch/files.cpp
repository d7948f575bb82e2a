// The files a batch writes (results file, journal). A results path is whatever the user typed, so it may
// name the input, a link to someone else's file, a device or a FIFO: each is refused before anything is
// written, and what is opened is checked again through its descriptor, in case the name changed between.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>

#include <fmt/format.h>

#include "batch/internal.hpp"

namespace ccai::batch {

namespace {

FileId id_of(const struct stat& st) {
    return FileId{static_cast<std::uint64_t>(st.st_dev), static_cast<std::uint64_t>(st.st_ino)};
}

}  // namespace

std::optional<FileId> FileId::of_path(const std::string& path) {
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0) return std::nullopt;
    return id_of(st);
}

std::optional<FileId> FileId::of_fd(int fd) {
    struct stat st {};
    if (::fstat(fd, &st) != 0) return std::nullopt;
    return id_of(st);
}

namespace detail {

namespace {

const char* kind_of(mode_t mode) {
    if (S_ISDIR(mode)) return "a directory";
    if (S_ISFIFO(mode)) return "a FIFO";
    if (S_ISCHR(mode)) return "a character device";
    if (S_ISBLK(mode)) return "a block device";
    if (S_ISSOCK(mode)) return "a socket";
    return "not a regular file";
}

bool is_input(const FileId& id, const std::vector<FileId>& inputs) {
    return std::find(inputs.begin(), inputs.end(), id) != inputs.end();
}

std::string input_refusal(const std::string& path, std::string_view what) {
    return fmt::format("{} {} is the batch input (the same file under another name): writing it would destroy "
                       "the input; choose another path", what, path);
}

// Why a run may not write the file `st` (from lstat or fstat) describes; "" when it may.
std::string refusal(const std::string& path, std::string_view what, const struct stat& st,
                    const std::vector<FileId>& inputs) {
    if (is_input(id_of(st), inputs)) return input_refusal(path, what);
    if (S_ISLNK(st.st_mode))
        return fmt::format("{} {} is a symbolic link: refusing to write through it; give the path of a regular file",
                           what, path);
    if (!S_ISREG(st.st_mode))
        return fmt::format("{} {} is {}, not a regular file: choose another results path", what, path, kind_of(st.st_mode));
    if (st.st_uid != ::geteuid())
        return fmt::format("{} {} belongs to uid {}, not to you (uid {}): use a file of your own", what, path,
                           st.st_uid, ::geteuid());
    if (st.st_nlink > 1)
        return fmt::format("{} {} has {} hard links: writing it would change it under its other names too; give "
                           "the path of a file with one name", what, path, st.st_nlink);
    return "";
}

ApiError cannot(const char* verb, const std::string& path, std::string_view what) {
    return invalid_input(fmt::format("cannot {} {} {}: {}", verb, what, path, std::strerror(errno)));
}

std::string parent_of(const std::string& path) {
    const auto slash = path.rfind('/');
    return slash == std::string::npos ? "." : slash == 0 ? "/" : path.substr(0, slash);
}

}  // namespace

Result<Unit> check_output_path(const std::string& path, std::string_view what) {
    if (path.empty()) return invalid_input(fmt::format("{}: the path is empty", what));
    if (path.find('\0') != std::string::npos) return invalid_input(fmt::format("{}: the path holds a NUL byte", what));
    const auto slash = path.rfind('/');
    const auto last = slash == std::string::npos ? std::string_view(path) : std::string_view(path).substr(slash + 1);
    if (last.empty() || last == "." || last == "..")
        return invalid_input(fmt::format("{} {} names a directory, not a file: give a file path (e.g. {}/results.jsonl)",
                                         what, path, last.empty() ? path.substr(0, slash) : path));
    return Unit{};
}

Result<std::optional<struct stat>> inspect_output(const std::string& path, std::string_view what,
                                                  const std::vector<FileId>& inputs) {
    struct stat st {};
    if (::lstat(path.c_str(), &st) != 0) {
        if (errno == ENOENT) return std::optional<struct stat>();
        return cannot("inspect", path, what);
    }
    // A symlink to the input (e.g. /dev/stdin) is named as the input: that is the mistake to explain.
    struct stat target {};
    if (S_ISLNK(st.st_mode) && ::stat(path.c_str(), &target) == 0 && is_input(id_of(target), inputs))
        return invalid_input(input_refusal(path, what));
    if (auto why = refusal(path, what, st, inputs); !why.empty()) return invalid_input(why);
    return std::optional<struct stat>(st);
}

Result<int> open_existing_output(const std::string& path, std::string_view what, int flags,
                                 const std::vector<FileId>& inputs) {
    auto seen = inspect_output(path, what, inputs);
    if (!seen) return seen.error();
    if (!*seen) {
        errno = ENOENT;
        return cannot("open", path, what);
    }
    // O_NONBLOCK: should a FIFO appear at the name, open must not wait for a reader.
    const int fd = ::open(path.c_str(), flags | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
    if (fd < 0) {
        if (errno == ELOOP) return invalid_input(fmt::format("{} {} is a symbolic link: refusing to write through it", what, path));
        return cannot("open", path, what);
    }
    struct stat st {};
    std::string why;
    if (::fstat(fd, &st) != 0) why = fmt::format("cannot check {} {}: {}", what, path, std::strerror(errno));
    else if (why = refusal(path, what, st, inputs); why.empty() && id_of(st) != id_of(**seen))
        why = fmt::format("{} {} was replaced while it was being opened: check who else writes there", what, path);
    if (why.empty() && ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) & ~O_NONBLOCK) != 0)
        why = fmt::format("cannot use {} {}: {}", what, path, std::strerror(errno));
    if (!why.empty()) {
        ::close(fd);
        return invalid_input(why);
    }
    return fd;
}

Result<int> create_output(const std::string& path, std::string_view what, int flags) {
    const int fd = ::open(path.c_str(), flags | O_CREAT | O_EXCL | O_NOFOLLOW | O_NOCTTY | O_CLOEXEC, 0600);
    if (fd < 0) {
        if (errno == EEXIST)
            return invalid_input(fmt::format("{} {} already exists: it is never overwritten; choose a new path", what, path));
        return cannot("create", path, what);
    }
    return fd;
}

// The directory entry must be durable too, or a crash right after creation can lose the whole file.
void fsync_parent(const std::string& path) {
    const int fd = ::open(parent_of(path).c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd >= 0) {
        ::fsync(fd);
        ::close(fd);
    }
}

Result<std::unique_ptr<Replacement>> Replacement::create(const std::string& path, std::string_view what) {
    const auto slash = path.rfind('/');
    const auto base = slash == std::string::npos ? path : path.substr(slash + 1);
    const auto dir = slash == std::string::npos ? std::string() : path.substr(0, slash + 1);
    std::string temp = dir + "." + base + ".XXXXXX";
    const int fd = ::mkostemp(temp.data(), O_CLOEXEC);  // O_CREAT | O_EXCL, mode 0600, a random name
    if (fd < 0) return cannot("create a temporary file for", path, what);
    return std::unique_ptr<Replacement>(new Replacement(fd, std::move(temp), path, std::string(what)));
}

Replacement::~Replacement() {
    if (!temp_.empty()) ::unlink(temp_.c_str());
    if (fd_ >= 0) ::close(fd_);
}

Result<Unit> Replacement::commit() {
    if (::fsync(fd_) != 0 || ::rename(temp_.c_str(), path_.c_str()) != 0) {
        ApiError e;
        e.message = fmt::format("cannot write {} {}: {}", what_, path_, std::strerror(errno));
        return e;
    }
    temp_.clear();
    fsync_parent(path_);
    return Unit{};
}

int Replacement::release() {
    const int fd = fd_;
    fd_ = -1;
    return fd;
}

int LineReader::next(std::string& line) {
    for (;;) {
        if (const auto nl = buf_.find('\n', pos_); nl != std::string::npos) {
            line.assign(buf_, pos_, nl - pos_);
            consumed_ += static_cast<off_t>(nl - pos_ + 1);
            pos_ = nl + 1;
            return 1;
        }
        if (read_ >= limit_) return 0;
        buf_.erase(0, pos_);
        pos_ = 0;
        char chunk[64 * 1024];
        const auto want = static_cast<size_t>(std::min<off_t>(static_cast<off_t>(sizeof chunk), limit_ - read_));
        const auto n = ::pread(fd_, chunk, want, read_);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) return -1;
        if (n == 0) return 0;
        buf_.append(chunk, static_cast<size_t>(n));
        read_ += n;
    }
}

}  // namespace detail
}  // namespace ccai::batch
