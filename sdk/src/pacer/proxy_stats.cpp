// The proxy's stats file beside the pacer state (proxy_stats.hpp): written whole and renamed, read warily.
#include "ccai/proxy_stats.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include <fmt/format.h>

#include "ccai/limits.hpp"
#include "pacer/internal.hpp"

namespace ccai {

namespace {

struct Fd {
    int fd = -1;
    ~Fd() {
        if (fd >= 0) ::close(fd);
    }
};

std::string state_dir(const PacerOptions& o) { return o.dir.empty() ? detail::default_state_dir() : o.dir; }

std::string file_name(const PacerOptions& o) { return detail::sha256_hex(o.scope).substr(0, 32) + ".proxy-stats"; }

}  // namespace

Result<Unit> write_proxy_stats(const PacerOptions& o, const nlohmann::json& stats) {
    using namespace detail;
    const auto dir = state_dir(o);
    if (dir.empty()) return config_error("pacer: no state directory (set XDG_STATE_HOME or HOME, or pacer_dir)");
    if (auto r = make_state_dirs(dir); !r) return r.error();
    auto opened = open_state_dir(dir, o.dir_shared);
    if (!opened) return opened.error();
    const Fd dir_fd{*opened};
    const auto name = file_name(o);
    const auto self = current_owner();
    // One temporary name per process: a crash leaves at most one behind, which the next write replaces.
    const auto tmp = fmt::format("{}.{}.tmp", name, self.pid);
    auto body = stats;
    body["pid"] = self.pid;
    body["process_start"] = self.started;
    const auto text = body.dump() + "\n";
    const auto fail = [&](const char* what) {
        return config_error(fmt::format("pacer: cannot {} {}/{}: {}", what, dir, tmp, std::strerror(errno)));
    };
    ::unlinkat(dir_fd.fd, tmp.c_str(), 0);
    const Fd fd{::openat(dir_fd.fd, tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600)};
    if (fd.fd < 0) return fail("create");
    for (std::size_t done = 0; done < text.size();) {
        const auto n = ::write(fd.fd, text.data() + done, text.size() - done);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) {
            ::unlinkat(dir_fd.fd, tmp.c_str(), 0);
            return fail("write");
        }
        done += static_cast<std::size_t>(n);
    }
    if (::renameat(dir_fd.fd, tmp.c_str(), dir_fd.fd, name.c_str()) != 0) {
        const auto e = fail("rename");
        ::unlinkat(dir_fd.fd, tmp.c_str(), 0);
        return e;
    }
    return Unit{};
}

ProxyStatsFile read_proxy_stats(const PacerOptions& o) {
    using namespace detail;
    ProxyStatsFile out;
    const auto dir = state_dir(o);
    if (dir.empty()) return out;
    const Fd probe{::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC)};
    if (probe.fd < 0) return out;  // no state directory: no proxy wrote there
    auto opened = open_state_dir(dir, o.dir_shared);
    if (!opened) {
        out.warning = opened.error().message;
        return out;
    }
    const Fd dir_fd{*opened};
    const auto name = file_name(o);
    const auto path = dir + "/" + name;
    const auto ignored = [&](const std::string& why) {
        out.warning = fmt::format("proxy stats file {} ignored: {}", path, why);
        return out;
    };
    // O_NONBLOCK: a FIFO planted there opens without a writer and is refused below, never waited on.
    const Fd fd{::openat(dir_fd.fd, name.c_str(), O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC)};
    if (fd.fd < 0) {
        if (errno == ENOENT) return out;
        return ignored(errno == ELOOP ? "it is a symbolic link" : std::strerror(errno));
    }
    struct stat st {};
    if (::fstat(fd.fd, &st) != 0) return ignored(std::strerror(errno));
    if (!S_ISREG(st.st_mode)) return ignored("not a regular file");
    if (st.st_uid != ::geteuid()) return ignored(fmt::format("it belongs to uid {}, not to you", st.st_uid));
    if (static_cast<std::size_t>(st.st_size) > kMaxProxyStatsBytes) return ignored("larger than a proxy writes");
    std::string text(kMaxProxyStatsBytes + 1, '\0');
    std::size_t got = 0;
    while (got < text.size()) {
        const auto n = ::read(fd.fd, text.data() + got, text.size() - got);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) break;
        got += static_cast<std::size_t>(n);
    }
    if (got > kMaxProxyStatsBytes) return ignored("larger than a proxy writes");
    text.resize(got);
    auto j = parse_json_bounded(text);
    const auto whole = [&](const char* key) { return j.contains(key) && j[key].is_number_integer(); };
    if (j.is_discarded() || !j.is_object() || !whole("pid") || !whole("process_start") ||
        !j.value("totals", nlohmann::json()).is_object())
        return ignored("not a proxy's stats");
    const long pid = j["pid"].get<long>();
    const auto started = j["process_start"].get<unsigned long long>();
    j.erase("process_start");
    j["stale"] = !owner_alive(pid, started);
    out.stats = std::move(j);
    return out;
}

}  // namespace ccai
