#pragma once
// "Did you mean": the edit distance between a mistyped name and the names it may have meant.
#include <cstddef>
#include <string_view>

namespace ccai::detail {

/// Edit distance with adjacent swaps (optimal string alignment): "fristName" is one edit from "firstName".
std::size_t edit_distance(std::string_view a, std::string_view b);

/// Of `candidates`, the one within two edits of `typed` and nearest to it (the first of equals); "" when none
/// is. Further than two edits, or as far as the whole candidate, is a different word, not a typo; so is a
/// name longer than 64 characters (and the distance table stays small).
template <class Range>
std::string_view closest_name(std::string_view typed, const Range& candidates) {
    std::string_view best;
    if (typed.size() > 64) return best;
    std::size_t best_distance = 3;
    for (const std::string_view c : candidates)
        if (const auto d = edit_distance(typed, c); d < best_distance && d < c.size()) best = c, best_distance = d;
    return best;
}

}  // namespace ccai::detail
