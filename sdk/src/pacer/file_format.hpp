#pragma once
// The file backend's on-disk format: a header with the payload's length and checksum, so a write cut
// short by a crash never parses as a valid (let alone empty) state; it is detected and treated as full.
#include <cstdint>
#include <string>
#include <string_view>
#include <variant>

#include "pacer/internal.hpp"
#include "util/fnv1a.hpp"

namespace ccai::detail {

struct DecodedState {
    PacerState state;
    std::string boot_id;
};

/// "ccai-pacer 1 LEN FNV1A64\n" + payload (boot id, scope, penalty, last, grants in CLOCK_MONOTONIC us).
/// A file without `last` (written before it existed) reads as last = 0.
std::string encode_state(const PacerState& s, const std::string& boot_id, const std::string& scope);
/// An empty file is a fresh scope; anything else that does not check out is an error message.
std::variant<DecodedState, std::string> decode_state(std::string_view bytes);
/// /proc/sys/kernel/random/boot_id: monotonic times from another boot are meaningless.
const std::string& current_boot_id();
/// The header's checksum of a payload (FNV-1a 64).
std::uint64_t state_checksum(std::string_view payload);

}  // namespace ccai::detail
