// The stdin copy of `ccai-cli batch --input -` (see batch_spool.hpp).
#include "batch/batch_spool.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <istream>
#include <streambuf>

#include <fmt/format.h>

namespace ccai::cli {

namespace {

// Reads a file through its descriptor with pread from offset 0: each pass gets its own position, and the
// file needs no name to be read again.
class SpoolBuf : public std::streambuf {
public:
    explicit SpoolBuf(int fd) : fd_(fd) {}

protected:
    int_type underflow() override {
        if (gptr() < egptr()) return traits_type::to_int_type(*gptr());
        ssize_t n = 0;
        do n = ::pread(fd_, buf_, sizeof buf_, offset_);
        while (n < 0 && errno == EINTR);
        if (n <= 0) return traits_type::eof();
        offset_ += n;
        setg(buf_, buf_, buf_ + n);
        return traits_type::to_int_type(*gptr());
    }

private:
    int fd_;
    off_t offset_ = 0;
    char buf_[64 * 1024];
};

class SpoolStream : public std::istream {
public:
    explicit SpoolStream(int fd) : std::istream(nullptr), buf_(fd) { rdbuf(&buf_); }

private:
    SpoolBuf buf_;
};

// A file with no name in `dir`: O_TMPFILE where the filesystem has it, else a random name unlinked at once
// (the name then exists between two system calls; mkostemp's O_EXCL means it is never someone else's file).
int anonymous_file(const std::string& dir) {
    const int fd = ::open(dir.c_str(), O_TMPFILE | O_RDWR | O_EXCL | O_CLOEXEC, 0600);
    if (fd >= 0 || (errno != EOPNOTSUPP && errno != EISDIR && errno != EINVAL)) return fd;
    std::string path = dir + "/ccai-batch-stdin-XXXXXX";
    const int named = ::mkostemp(path.data(), O_CLOEXEC);
    if (named >= 0) ::unlink(path.c_str());
    return named;
}

bool copy_all(int from, int to) {
    char buf[64 * 1024];
    for (;;) {
        const auto n = ::read(from, buf, sizeof buf);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) return false;
        if (n == 0) return true;
        for (ssize_t done = 0; done < n;) {
            const auto w = ::write(to, buf + done, static_cast<size_t>(n - done));
            if (w < 0 && errno == EINTR) continue;
            if (w <= 0) return false;
            done += w;
        }
    }
}

}  // namespace

StdinSpool::~StdinSpool() {
    if (fd_ >= 0) ::close(fd_);
}

Result<Unit> StdinSpool::fill(int in_fd) {
    const char* tmp = std::getenv("TMPDIR");
    const std::string dir = tmp && *tmp ? tmp : "/tmp";
    fd_ = anonymous_file(dir);
    if (fd_ < 0)
        return invalid_input(fmt::format("--input -: cannot create a temporary file in {}: {} (set TMPDIR to a "
                                         "writable directory)", dir, std::strerror(errno)));
    if (!copy_all(in_fd, fd_))
        return invalid_input(fmt::format("--input -: cannot copy stdin to a temporary file in {}: {}", dir,
                                         std::strerror(errno)));
    return Unit{};
}

batch::Source::Opener StdinSpool::opener() const {
    const int fd = fd_;
    return [fd]() -> Result<std::unique_ptr<std::istream>> { return std::unique_ptr<std::istream>(new SpoolStream(fd)); };
}

}  // namespace ccai::cli
