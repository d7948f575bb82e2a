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
    /// Format 1 has no tat: the reader fills it in conservatively (with_missing_tat).
    bool has_tat = true;
    /// Format 1's latest slot or completion (0 when absent).
    TimePoint legacy_last{};
};

/// "ccai-pacer 3 LEN FNV1A64\n" + payload (boot id, scope, penalty, tat, sent, grants, bulk grants in
/// CLOCK_MONOTONIC us, then one "ticket" line per waiting call). Format 2 (no bulk grants, no line) and
/// format 1 ("ccai-pacer 1", with `last` instead of tat and sent) still read.
std::string encode_state(const PacerState& s, const std::string& boot_id, const std::string& scope);
/// An empty file is a fresh scope; anything else that does not check out is an error message.
std::variant<DecodedState, std::string> decode_state(std::string_view bytes);
/// A format-1 state as the new rules need it: no burst allowance left (tat one burst past the latest
/// grant, slot or completion, or `now`), and the latest of those, up to `now`, as the last send.
PacerState with_missing_tat(DecodedState d, Duration interval, int burst, TimePoint now);
/// /proc/sys/kernel/random/boot_id: monotonic times from another boot are meaningless.
const std::string& current_boot_id();
/// The header's checksum of a payload (FNV-1a 64).
std::uint64_t state_checksum(std::string_view payload);

}  // namespace ccai::detail
