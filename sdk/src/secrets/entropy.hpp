// Seeds and ids from the kernel (getrandom(2)). std::random_device asks the CPU (CPUID, then RDRAND) each
// time one is constructed, and a virtual machine traps CPUID: 20-30 us per construction, paid by every
// ccai-cli call for its jitter seed (bench/RESULTS.md, single-call overhead).
#pragma once

#include <sys/random.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdint>

namespace ccai::detail {

inline std::uint64_t random_u64() {
    std::uint64_t v = 0;
    if (::getrandom(&v, sizeof v, 0) == static_cast<ssize_t>(sizeof v)) return v;
    // No getrandom (seccomp, old kernel): distinct per process and call, which is all jitter needs.
    static std::atomic<std::uint64_t> n{0};  // callers may be on several threads
    return static_cast<std::uint64_t>(std::chrono::steady_clock::now().time_since_epoch().count()) ^
           (static_cast<std::uint64_t>(::getpid()) << 40) ^ (++n * 0x9E3779B97F4A7C15ull);
}

}  // namespace ccai::detail
