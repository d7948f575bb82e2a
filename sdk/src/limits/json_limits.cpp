// How deep a JSON text nests, found before anything recurses over it (see ccai/limits.hpp).
#include <fmt/format.h>

#include "ccai/limits.hpp"

namespace ccai {

std::optional<std::size_t> json_depth_exceeded_at(std::string_view text, std::size_t max_depth) {
    std::size_t depth = 0;
    bool in_string = false;
    for (std::size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (in_string) {
            if (c == '\\') ++i;  // an escaped character never ends the string
            else if (c == '"') in_string = false;
        } else if (c == '"') {
            in_string = true;
        } else if (c == '[' || c == '{') {
            if (++depth > max_depth) return i;
        } else if ((c == ']' || c == '}') && depth > 0) {
            --depth;
        }
    }
    return std::nullopt;
}

std::string json_too_deep_text() { return fmt::format("JSON nested deeper than {} levels", kMaxJsonDepth); }

nlohmann::json parse_json_bounded(std::string_view text) {
    if (json_depth_exceeded_at(text)) return nlohmann::json(nlohmann::json::value_t::discarded);
    return nlohmann::json::parse(text, nullptr, false);
}

}  // namespace ccai
