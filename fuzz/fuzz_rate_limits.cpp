// --rate-limit / CCAI_RATE_LIMIT specs: "60/1m", "60/1m,1800/1h".
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "ccai/pacer.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view spec(reinterpret_cast<const char*>(data), size);
    auto r = ccai::parse_rate_limits(spec);
    if (r) {
        for (const auto& w : *r) {
            if (w.limit <= 0 || w.window.count() <= 0) __builtin_trap();  // accepted windows must be usable
        }
    }
    return 0;
}
