// Retry-After header values: delta-seconds or an HTTP-date.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "ccai/retry.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view value(reinterpret_cast<const char*>(data), size);
    for (long long now : {0LL, 1700000000LL, 4102444800LL}) {
        auto r = ccai::parse_retry_after(value, now);
        if (r && r->count() < 0) __builtin_trap();  // a negative wait is never valid
    }
    return 0;
}
