#include "duration_text.hpp"

#include <fmt/format.h>

namespace ccai::cli {

namespace {

// `value` divided by `unit`, rounded up.
long long ceil_div(long long value, long long unit) { return value / unit + (value % unit > 0 ? 1 : 0); }

}  // namespace

std::string duration_text(Duration d) {
    using namespace std::chrono;
    const auto us = std::max<long long>(0, duration_cast<microseconds>(d).count());
    const auto ms = ceil_div(us, 1000);
    if (ms < 1000) return fmt::format("{}ms", ms);
    if (ms < 60'000) {
        if (ms % 1000 == 0) return fmt::format("{}s", ms / 1000);
        auto fraction = fmt::format("{:03}", ms % 1000);
        while (fraction.back() == '0') fraction.pop_back();
        return fmt::format("{}.{}s", ms / 1000, fraction);
    }
    const auto s = ceil_div(ms, 1000);
    if (s < 3600) return fmt::format("{}m{:02}s", s / 60, s % 60);
    const auto m = ceil_div(s, 60);
    return fmt::format("{}h{:02}m", m / 60, m % 60);
}

}  // namespace ccai::cli
