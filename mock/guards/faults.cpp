#include "guards/faults.hpp"

#include <arpa/inet.h>
#include <dirent.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdlib>
#include <string>

namespace ccai::mock {

Faults::Faults(const MockOptions& o) : o_(o), rng_(o.seed) {}

FaultPlan Faults::draw() {
    std::lock_guard lock(mu_);
    std::uniform_real_distribution<double> unit(0.0, 1.0);
    std::uniform_int_distribution<int> latency(o_.latency_min_ms, o_.latency_max_ms);
    FaultPlan p;
    p.latency_ms = latency(rng_);
    const double f = unit(rng_), d = unit(rng_), a = unit(rng_);
    p.drop = d < o_.drop_rate;
    p.fail = !p.drop && f < o_.fail_rate;
    p.drop_after = !p.drop && !p.fail && a < o_.drop_after_rate;
    return p;
}

namespace {
std::string address_of(const sockaddr_storage& s, int& port) {
    char buf[INET6_ADDRSTRLEN] = {};
    if (s.ss_family == AF_INET) {
        const auto* a = reinterpret_cast<const sockaddr_in*>(&s);
        inet_ntop(AF_INET, &a->sin_addr, buf, sizeof buf);
        port = ntohs(a->sin_port);
    } else if (s.ss_family == AF_INET6) {
        const auto* a = reinterpret_cast<const sockaddr_in6*>(&s);
        inet_ntop(AF_INET6, &a->sin6_addr, buf, sizeof buf);
        port = ntohs(a->sin6_port);
    } else {
        port = -1;
    }
    return buf;
}
}  // namespace

bool drop_connection(const httplib::Request& req) {
    // httplib 0.11 does not hand the socket to handlers: find it by its two endpoints among our descriptors.
    DIR* dir = opendir("/proc/self/fd");
    if (!dir) return false;
    bool found = false;
    while (const dirent* e = readdir(dir)) {
        char* end = nullptr;
        const long fd = std::strtol(e->d_name, &end, 10);
        if (*end != '\0' || fd < 0 || fd == dirfd(dir)) continue;
        sockaddr_storage peer{}, local{};
        socklen_t pl = sizeof peer, ll = sizeof local;
        if (getpeername(static_cast<int>(fd), reinterpret_cast<sockaddr*>(&peer), &pl) != 0) continue;
        if (getsockname(static_cast<int>(fd), reinterpret_cast<sockaddr*>(&local), &ll) != 0) continue;
        int peer_port = -1, local_port = -1;
        if (address_of(peer, peer_port) != req.remote_addr || peer_port != req.remote_port) continue;
        address_of(local, local_port);
        if (local_port != req.local_port) continue;
        // Reset rather than FIN: nothing of a response ever reaches the client.
        linger lg{1, 0};
        setsockopt(static_cast<int>(fd), SOL_SOCKET, SO_LINGER, &lg, sizeof lg);
        shutdown(static_cast<int>(fd), SHUT_RDWR);
        found = true;
        break;
    }
    closedir(dir);
    return found;
}

}  // namespace ccai::mock
