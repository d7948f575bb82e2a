#pragma once
// FNV-1a 64: a checksum stable across builds and platforms, unlike std::hash, so what it fingerprints on
// disk (a pacer state file, a batch journal's input) outlives the binary that wrote it.
#include <cstdint>
#include <string_view>

namespace ccai::detail {

inline constexpr std::uint64_t kFnv1a64Basis = 14695981039346656037ULL;

/// Incremental: add() the bytes in any number of pieces; `value` is the digest so far.
struct Fnv1a64 {
    std::uint64_t value = kFnv1a64Basis;
    void add(std::string_view bytes) {
        for (unsigned char c : bytes) value = (value ^ c) * 1099511628211ULL;
    }
};

inline std::uint64_t fnv1a64(std::string_view data, std::uint64_t basis = kFnv1a64Basis) {
    Fnv1a64 h{basis};
    h.add(data);
    return h.value;
}

}  // namespace ccai::detail
