// Opening and reading the files a user names as input, without hanging and without unbounded memory.
#include <fcntl.h>
#include <poll.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include <fmt/format.h>

#include "ccai/limits.hpp"

namespace ccai {

namespace {

std::string size_text(std::size_t bytes) {
    if (bytes % (std::size_t{1} << 20) == 0) return fmt::format("{} MiB", bytes >> 20);
    return fmt::format("{} bytes", bytes);
}

}  // namespace

Result<int> open_input_file(const std::string& path, std::string_view label) {
    // O_NONBLOCK: opening a FIFO for reading otherwise waits for a writer, forever if none comes. With it
    // the open returns at once, and a read finds the end of input while no writer is connected.
    const int fd = ::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
    if (fd < 0) return invalid_input(fmt::format("{}: cannot be read ({})", label, std::strerror(errno)));
    struct stat st{};
    std::string refused;
    if (::fstat(fd, &st) != 0) refused = fmt::format("cannot be read ({})", std::strerror(errno));
    else if (S_ISDIR(st.st_mode)) refused = "is a directory, not a file";
    else if (S_ISCHR(st.st_mode) || S_ISBLK(st.st_mode)) refused = "is a device, not a file or a pipe";
    // Reads now wait for data like any pipe's: a writer that has connected is waited for.
    else if (const int flags = ::fcntl(fd, F_GETFL); flags < 0 || ::fcntl(fd, F_SETFL, flags & ~O_NONBLOCK) != 0)
        refused = fmt::format("cannot be read ({})", std::strerror(errno));
    if (!refused.empty()) {
        ::close(fd);
        return invalid_input(fmt::format("{}: {}", label, refused));
    }
    return fd;
}

Result<std::string> read_bounded(int fd, std::size_t max_bytes, std::string_view label) {
    const auto too_large = [&] {
        return invalid_input(fmt::format("{}: larger than {}, the most it may hold", label, size_text(max_bytes)));
    };
    std::string out;
    struct stat st{};
    if (::fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0) {
        if (static_cast<unsigned long long>(st.st_size) > max_bytes) return too_large();
        out.reserve(static_cast<std::size_t>(st.st_size));
    }
    char buf[65536];
    for (;;) {
        const ssize_t n = ::read(fd, buf, sizeof buf);
        if (n == 0) break;
        if (n < 0) {
            if (errno == EINTR) continue;
            if (errno == EAGAIN) {  // a descriptor left non-blocking by whoever opened it (stdin)
                pollfd p{fd, POLLIN, 0};
                if (::poll(&p, 1, -1) >= 0 || errno == EINTR) continue;
            }
            return invalid_input(fmt::format("{}: cannot be read ({})", label, std::strerror(errno)));
        }
        if (out.size() + static_cast<std::size_t>(n) > max_bytes) return too_large();
        out.append(buf, static_cast<std::size_t>(n));
    }
    return out;
}

}  // namespace ccai
