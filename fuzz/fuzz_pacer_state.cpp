// The file pacer's state files (anything may be on disk: truncated writes, other versions, garbage).
// First byte even: the bytes are the file. Odd: the rest is a payload given a valid header (length and
// checksum), so the fuzzer gets past the checksum into the payload parser.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <variant>

#include <fmt/format.h>

#include "pacer/file_format.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size < 1) return 0;
    std::string bytes(reinterpret_cast<const char*>(data + 1), size - 1);
    if (data[0] & 1)
        bytes = fmt::format("ccai-pacer 1 {} {:016x}\n{}", bytes.size(), ccai::detail::state_checksum(bytes), bytes);
    auto r = ccai::detail::decode_state(bytes);
    if (auto* d = std::get_if<ccai::detail::DecodedState>(&r)) {
        // Whatever decodes must encode and decode again to the same state.
        const auto again = ccai::detail::encode_state(d->state, d->boot_id, "scope");
        auto r2 = ccai::detail::decode_state(again);
        auto* d2 = std::get_if<ccai::detail::DecodedState>(&r2);
        if (!d2 || d2->state.grants != d->state.grants || d2->state.penalty_until != d->state.penalty_until)
            __builtin_trap();
    }
    return 0;
}
