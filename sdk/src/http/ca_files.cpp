#include "http/ca_files.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string_view>

#include <fmt/format.h>

namespace ccai::detail {

namespace {

struct Fd {
    int fd;
    ~Fd() {
        if (fd >= 0) ::close(fd);
    }
};

std::string open_problem(int err, std::string_view what) {
    if (err == ENOENT) return fmt::format("no such {}", what);
    return fmt::format("cannot be opened ({})", std::strerror(err));
}

// True when the file holds a PEM certificate. A bundle starts with one, so this reads little; the cap keeps a
// wrong path to a huge file from being read to its end.
bool holds_pem_certificate(int fd) {
    constexpr std::size_t kCap = 16u << 20;
    constexpr std::string_view kMarkers[] = {"-----BEGIN CERTIFICATE-----", "-----BEGIN TRUSTED CERTIFICATE-----"};
    std::string window;
    char buf[64 * 1024];
    for (std::size_t total = 0; total < kCap;) {
        const auto n = ::read(fd, buf, sizeof buf);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return false;
        total += static_cast<std::size_t>(n);
        window.append(buf, static_cast<std::size_t>(n));
        for (const auto marker : kMarkers)
            if (window.find(marker) != std::string::npos) return true;
        // The tail is kept: a marker split across two reads is still found.
        if (window.size() > 64) window.erase(0, window.size() - 64);
    }
    return false;
}

}  // namespace

std::string ca_file_problem(const std::string& path) {
    if (path.find('\0') != std::string::npos) return "the path holds a NUL byte";
    Fd f{::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY)};
    if (f.fd < 0) return open_problem(errno, "file");
    struct stat st{};
    if (::fstat(f.fd, &st) != 0) return open_problem(errno, "file");
    if (!S_ISREG(st.st_mode)) return "not a regular file";
    if (!holds_pem_certificate(f.fd)) return "holds no PEM certificate (-----BEGIN CERTIFICATE-----)";
    return "";
}

std::string ca_dir_problem(const std::string& paths) {
    if (paths.find('\0') != std::string::npos) return "the path holds a NUL byte";
    std::size_t start = 0;
    while (start <= paths.size()) {
        const auto end = std::min(paths.find(':', start), paths.size());
        const std::string dir = paths.substr(start, end - start);
        start = end + 1;
        if (dir.empty()) continue;
        Fd f{::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC)};
        if (f.fd < 0)
            return errno == ENOTDIR ? fmt::format("{} is not a directory", dir)
                                    : fmt::format("{}: {}", dir, open_problem(errno, "directory"));
    }
    return "";
}

bool holds_hash_links(const char* dir) {
    DIR* d = ::opendir(dir);
    if (!d) return false;
    bool found = false;
    while (const dirent* e = ::readdir(d)) {
        // <8 hex digits>.<n>, n counting subjects whose hashes collide
        const std::string_view name = e->d_name;
        const auto dot = name.find('.');
        if (dot != 8 || name.size() == 9) continue;
        const auto hex = name.substr(0, 8), n = name.substr(9);
        if (hex.find_first_not_of("0123456789abcdef") == std::string_view::npos &&
            n.find_first_not_of("0123456789") == std::string_view::npos) {
            found = true;
            break;
        }
    }
    ::closedir(d);
    return found;
}

}  // namespace ccai::detail
